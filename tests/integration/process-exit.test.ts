import { execa } from 'execa';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { awaitExit } from '../../src/adapters/process.js';
import { processRunning } from '../../src/adapters/process-table.js';
import { clearSprintState } from '../../src/adapters/state-files.js';
import { statePaths } from '../../src/domain/model/paths.js';
import { tempDir } from '../helpers/git-repo.js';

describe('a process czar waits for', () => {
  it('is killed once the grace has passed when it does not stop on its own', async () => {
    // Ignores the hangup and every polite signal, as a process stuck in its last writes would.
    const child = execa(
      'node',
      [
        '-e',
        "for (const s of ['SIGHUP', 'SIGTERM', 'SIGINT']) process.on(s, () => {}); console.log('ready'); setInterval(() => {}, 1000);",
      ],
      { reject: false },
    );
    await new Promise((resolve) => child.stdout?.once('data', resolve));
    const pid = child.pid ?? 0;
    process.kill(pid, 'SIGHUP');
    expect(await processRunning(pid)).toBe(true);
    const started = Date.now();
    await awaitExit(pid, 300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect((await child).signal).toBe('SIGKILL');
  });
});

describe('a purge of the sprint state', () => {
  it("removes the temp files of czar's atomic writes a killed czar left, and keeps a person's files", async () => {
    const root = path.join(await tempDir('czar-state-'), '.czar');
    await mkdir(root);
    for (const name of [
      '.status.json.4242.0a1b2c3d.tmp',
      '.czar-state.json.17.ffffffff.tmp',
      'status.json',
      'mine.txt',
      'notes.tmp',
    ])
      await writeFile(path.join(root, name), 'x');
    await clearSprintState(statePaths(root));
    expect((await readdir(root)).sort()).toEqual(['mine.txt', 'notes.tmp']);
  });
});
