import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cleanEnv } from '../../src/adapters/process.js';
import { CZAR_BIN } from '../helpers/cli.js';
import { fleetFixture, type FleetFixture } from '../helpers/fleet-fixture.js';
import { alive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

/** The czar as its own process (`czar supervise`), outside the fleet's tmux server: nothing there can signal it. */
function superviseProcess(fx: FleetFixture): ResultPromise {
  const child = execa(process.execPath, [CZAR_BIN, 'supervise', '-c', fx.configFile], {
    cwd: fx.root,
    env: cleanEnv(),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  onTestFinished(() => void child.kill('SIGKILL'));
  return child;
}

/** Resolves with how long the process took to end after `since`, or rejects past `ms`. */
async function endsWithin(child: ResultPromise, since: number, ms: number, what: string): Promise<number> {
  const ended = await Promise.race([
    child.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref()),
  ]);
  if (!ended) throw new Error(`the czar did not exit within ${ms} ms after ${what}`);
  return Date.now() - since;
}

describe('czar supervision: the czar ends when it should', () => {
  it("exits within seconds once its fleet's tmux server is gone and its folder removed", async () => {
    const fx = await fleetFixture({
      workers: ['a', 'b', 'c'].map((name) => ({ name, task: `# ${name}\n@sim work 600 ${name}` })),
    });
    await fx.launchWave();
    const czar = superviseProcess(fx);
    await fx.waitForStatus(
      (s) => s.supervisor?.pid === czar.pid && s.workers.every((worker) => worker.state === 'working'),
      { what: 'the czar supervising three working workers' },
    );

    await fx.fleet.tmux.killServer();
    await rm(fx.fleet.paths.root, { recursive: true, force: true, maxRetries: 10 });
    const gone = Date.now();
    await endsWithin(czar, gone, 15_000, 'its tmux server was killed');
    expect((await czar).exitCode).not.toBe(0);
  });

  it('SIGTERM ends it within a bounded time even while an integration check runs, and the check goes too', async () => {
    // The integration check notes its shell in the fixture's root (three folders up) and then runs far past the test.
    const fx = await fleetFixture({
      workers: [
        { name: 'fin', task: '# Finish\n@sim write src/fin.ts export {};\\n\n@sim commit fin\n@sim done finished' },
      ],
      integration: { checks: [{ name: 'forever', run: 'echo $$ > ../../../check.pid; sleep 300', timeout: '10m' }] },
      policy: { idle_after: '1m', escalate_after: '1m' },
    });
    const pidFile = path.join(fx.root, 'check.pid');
    onTestFinished(async () => {
      const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
      if (pid > 0) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Gone.
        }
      }
    });
    await fx.launchWave();
    const czar = superviseProcess(fx);
    await waitFor(() => existsSync(pidFile), { timeoutMs: 30_000, what: 'the integration check to run' });
    const check = Number((await readFile(pidFile, 'utf8')).trim());

    czar.kill('SIGTERM');
    const asked = Date.now();
    await endsWithin(czar, asked, 15_000, 'SIGTERM');
    await waitFor(async () => !(await alive(check)), { what: 'the integration check to be killed' });
  });
});
