import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { cleanEnv } from '../../src/adapters/process.js';
import { CZAR_BIN, czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { PACKAGE_ROOT } from '../helpers/fleet-fixture.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';
import { capturedFiles } from '../helpers/sim-captures.js';
import { waitFor } from '../helpers/wait.js';

const SIM_AGENT = path.join(PACKAGE_ROOT, 'bin', 'czar-sim-agent.js');
const POLICY = 'policy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\n';

describe('a task reaches every new agent of an unfinished worker', () => {
  test('down then up hands the fresh agent its task again, with the commits so far, and the old reports no longer count', async () => {
    const { root, repo } = await tempRepo();
    const captures = path.join(root, 'captures');
    await writeFleetConfig(
      root,
      uniqueProject(),
      `repo: repo\nagent: sim\n${POLICY}workers:\n  - name: one\n    env: { CZAR_SIM_CAPTURE_DIR: "${captures}" }\n    task: "Build one.\\n@sim write one.txt first half\\n@sim commit one: first half\\n@sim report working 50 halfway there\\n@sim work 600 the rest"\n`,
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    await waitFor(async () => (await gitIn(repo, ['log', '--format=%s', 'czar/one'])).includes('one: first half'), {
      timeoutMs: 20_000,
      what: 'the first commit',
    });
    const report = path.join(root, '.czar', 'reports', 'one.json');
    const oldReport = await waitFor(
      async () => {
        const text = await readFile(report, 'utf8').catch(() => '');
        return text.includes('halfway there') ? text : undefined;
      },
      { what: 'the first report' },
    );
    expect((await czar(['down'], { cwd: root })).exitCode).toBe(0);

    const dry = await czar(['up', '--dry-run'], { cwd: root });
    expect(dry.stdout).toMatch(/one: .* · new agent: task pasted again with the commits so far/);
    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(await capturedFiles(captures)).toEqual(['one-1.txt', 'one-2.txt']);
    const again = await readFile(path.join(captures, 'one-2.txt'), 'utf8');
    expect(again).toContain('one: first half');
    expect(again.endsWith('@sim work 600 the rest')).toBe(true);
    // The new agent reports for itself; what the old one said is gone.
    expect(await readFile(report, 'utf8').catch(() => '')).not.toBe(oldReport);
  });

  test('after Ctrl-C during delivery, the next up delivers the task with the same verification', async () => {
    const { root } = await tempRepo();
    const captures = path.join(root, 'captures');
    await writeFleetConfig(
      root,
      uniqueProject(),
      `repo: repo\nagent: sim\nagents:\n  sim: { args: ["${SIM_AGENT}", --startup-ms, "10000"] }\n${POLICY}workers:\n  - name: one\n    env: { CZAR_SIM_CAPTURE_DIR: "${captures}" }\n    task: "Build one.\\n@sim work 600 long"\n`,
    );
    const first = execa(process.execPath, [CZAR_BIN, 'up', '--detach'], {
      cwd: root,
      env: cleanEnv(),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    });
    const record = path.join(root, '.czar', 'workers', 'one.json');
    await waitFor(async () => (await readFile(record, 'utf8').catch(() => '')).includes('deliveryStartedAt'), {
      what: 'the delivery to start',
    });
    first.kill('SIGINT');
    await first;
    expect(await capturedFiles(captures)).toEqual([]);

    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(await capturedFiles(captures)).toEqual(['one-1.txt']);
    expect(await readFile(path.join(captures, 'one-1.txt'), 'utf8')).toContain('Build one.');
  });
});
