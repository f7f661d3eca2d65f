import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, onTestFinished, test } from 'vitest';
import { acquireLock, type LockHolder } from '../../src/adapters/lock-file.js';
import { CzarError } from '../../src/domain/model/errors.js';
import { integrationPaths } from '../../src/integration/candidates.js';
import { runIntegration } from '../../src/integration/runner.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { tempDir } from '../helpers/git-repo.js';

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A lock file naming `pid` as its holder, as acquireLock writes it. */
const lockedBy = (file: string, pid: number): Promise<void> =>
  writeFile(file, JSON.stringify({ pid, since: '2026-01-01T00:00:00.000Z' }));

/** The pid of a process that is alive until the test ends. */
function liveProcess(): number {
  const child = execa(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  child.catch(() => undefined);
  onTestFinished(() => {
    child.kill();
  });
  if (child.pid === undefined) throw new Error('the holder process did not start');
  return child.pid;
}

describe('acquireLock', () => {
  test('takes over a lock left by a process that is gone, and names a live holder when it gives up waiting', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'up.lock');
    const gone = await execa(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await lockedBy(file, Number(gone.stdout));
    const release = await acquireLock(file, { timeoutMs: 1000, what: 'Another "czar up"', onWait: () => undefined });
    expect(existsSync(file)).toBe(true);

    const waited: LockHolder[] = [];
    await expect(
      acquireLock(file, { timeoutMs: 300, what: 'Another "czar up"', onWait: (holder) => waited.push(holder) }),
    ).rejects.toThrow(
      new RegExp(
        `^Another "czar up" \\(pid ${process.pid}, since [0-9T:.-]+Z\\) still holds ${escaped(file)}; wait for it`,
      ),
    );
    expect(waited.map((holder) => holder.pid)).toEqual([process.pid]);
    await release();
    expect(existsSync(file)).toBe(false);
  });

  // A container restarted after a kill can give czar the same pid again: the lock it left then names this process.
  test('takes over a lock that names this process but that this process does not hold (left under a reused pid)', async () => {
    const file = path.join(await tempDir(), 'up.lock');
    await lockedBy(file, process.pid);
    const waited: LockHolder[] = [];
    const release = await acquireLock(file, {
      timeoutMs: 300,
      what: 'Another "czar up"',
      onWait: (holder) => waited.push(holder),
    });
    expect(waited).toEqual([]);
    await release();
    expect(existsSync(file)).toBe(false);
  });

  // kill(0, 0) and kill(-1, 0) succeed (they signal a group), so such a pid would look alive forever.
  test('takes over a lock whose pid is not a process id', async () => {
    const file = path.join(await tempDir(), 'up.lock');
    for (const pid of [0, -1, 1.5]) {
      await lockedBy(file, pid);
      const release = await acquireLock(file, { timeoutMs: 300, what: 'Another "czar up"' });
      await release();
    }
    expect(existsSync(file)).toBe(false);
  });

  test("with no time to wait, refuses a live holder with the caller's own error, and leaves its lock alone", async () => {
    const file = path.join(await tempDir(), 'any.lock');
    const holder = liveProcess();
    await lockedBy(file, holder);
    const held = (found: LockHolder): CzarError => new CzarError('locked', `pid ${found.pid} has it`);
    await expect(acquireLock(file, { timeoutMs: 0, heldError: held })).rejects.toThrow(`pid ${holder} has it`);
    expect(existsSync(file)).toBe(true);
  });
});

describe('the integration lock', () => {
  test('an integration run while another live czar holds the lock fails at once, naming that process and what to do', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'x', task: 'x' }] });
    const lock = integrationPaths(fx.fleet).lock;
    await mkdir(path.dirname(lock), { recursive: true });
    const holder = liveProcess();
    await lockedBy(lock, holder);
    await expect(
      runIntegration(
        fx.fleet,
        async () => [],
        async () => [],
      ),
    ).rejects.toThrow(
      `Another czar process (pid ${holder}) is integrating right now (lock ${lock}); wait for it to finish and run "czar integrate" again.`,
    );
  });
});
