import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse, stringify } from 'yaml';
import { launch, startCzar } from '../../src/launch/up-sequence.js';
import { loadConfig } from '../../src/config/load.js';
import { liveCzarPid } from '../../src/fleet/requests.js';
import { openFleet } from '../../src/fleet/handle.js';
import { Supervisor } from '../../src/supervisor/loop/supervisor.js';
import { fleetFixture, workerIn, type FleetFixture } from '../helpers/fleet-fixture.js';
import { alive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

/** A check that notes each run of itself, by worker, in a file at the fixture's root (three folders up). */
const counted = (name: string): string => `echo "${name} $CZAR_WORKER" >> ../../../runs.log`;

/** One worker verified by the check "one" under an in-process czar, and the runs of its checks so far. */
async function verifiedFleet(): Promise<{ fx: FleetFixture; first: Supervisor; runs: () => Promise<string[]> }> {
  const fx = await fleetFixture({
    workers: [
      { name: 'fin', task: '# Finish\n@sim write src/fin.ts export {};\\n\n@sim commit fin\n@sim done finished' },
    ],
    checks: [{ name: 'one', run: counted('one'), timeout: '30s' }],
    integration: { checks: [] },
    policy: { idle_after: '1m', escalate_after: '1m' },
  });
  const runs = async (): Promise<string[]> =>
    (await readFile(path.join(fx.root, 'runs.log'), 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
  await fx.launchWave();
  const first = await fx.supervise();
  await fx.waitForStatus((s) => workerIn(s, 'fin').state === 'verified' && s.sprintOver, {
    what: 'fin verified and the sprint over',
  });
  return { fx, first, runs };
}

describe('czar supervision: check results outlive the czar', () => {
  it('a restarted czar keeps the verdicts at the same commit: no check runs again, no second "verified"', async () => {
    const { fx, first, runs } = await verifiedFleet();
    expect(await runs()).toEqual(['one fin']);
    await first.stop();
    expect((await fx.status())?.supervisor).toBeUndefined();

    // The same config: the pass at this commit stands, with no new run, no second "verified" and no "done" in between.
    const restartedAt = (await fx.events()).length;
    await fx.supervise();
    await fx.waitForStatus(
      (s) => s.supervisor?.pid === process.pid && workerIn(s, 'fin').state === 'verified' && s.sprintOver,
      { what: 'the restarted czar settled' },
    );
    const afterRestart = (await fx.events()).slice(restartedAt);
    expect(
      afterRestart
        .filter((event) => ['checks_started', 'checks_passed', 'state', 'notify'].includes(event.kind))
        .map((event) => `${event.kind} ${event.message}`),
    ).toEqual([]);
    expect(await runs()).toEqual(['one fin']);
  });

  it('an edit that adds a check runs only that check on the restart', async () => {
    const { fx, first, runs } = await verifiedFleet();
    await first.stop();

    const written = parse(await readFile(fx.configFile, 'utf8')) as { checks: unknown[] };
    written.checks.push({ name: 'two', run: counted('two'), timeout: '30s' });
    await writeFile(fx.configFile, stringify(written));
    const edited = new Supervisor(openFleet(await loadConfig(fx.configFile)));
    onTestFinished(() => edited.stop());
    await edited.start();
    await fx.waitForEvent('checks_passed', 'fin', { match: (event) => /2 check/.test(event.message) });
    await fx.waitForStatus((s) => workerIn(s, 'fin').state === 'verified' && s.sprintOver, {
      what: 'fin verified again after the edit',
    });
    expect(await runs()).toEqual(['one fin', 'two fin']);
  });

  it('a czar killed mid-check leaves no orphan: the next czar kills the run and its setsid daemon before it starts the check again, in a fresh log', async () => {
    // Each run notes its shell and a daemon it forks out of its process group, then waits far past the test.
    const slow =
      "echo $$ >> ../../../shells; setsid sh -c 'echo $$ >> ../../../daemons; exec sleep 300' > /dev/null 2>&1 & echo started; sleep 300";
    const fx = await fleetFixture({
      workers: [
        { name: 'fin', task: '# Finish\n@sim write src/fin.ts export {};\\n\n@sim commit fin\n@sim done finished' },
      ],
      checks: [{ name: 'slow', run: slow, timeout: '10m' }],
      integration: { checks: [] },
      policy: { idle_after: '1m', escalate_after: '1m' },
    });
    const pids = async (file: string): Promise<number[]> =>
      (await readFile(path.join(fx.root, file), 'utf8').catch(() => ''))
        .split('\n')
        .filter((line) => line !== '')
        .map(Number);
    // Whatever a run left behind goes with the test.
    onTestFinished(async () => {
      for (const pid of [...(await pids('shells')), ...(await pids('daemons'))]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone.
        }
      }
    });
    expect(await launch(fx.fleet, { fetch: false, dryRun: false })).toBe(0);
    const [shell, daemon] = await waitFor(
      async () => {
        const both = [(await pids('shells'))[0], (await pids('daemons'))[0]];
        return both.every((pid) => pid !== undefined) ? (both as number[]) : undefined;
      },
      { timeoutMs: 30_000, what: 'the check and its daemon running' },
    );
    const czar = await waitFor(() => liveCzarPid(fx.fleet.paths), { what: 'the czar pid' });
    process.kill(czar, 'SIGKILL');
    await waitFor(async () => (await fx.fleet.tmux.listPanes()).find((pane) => pane.session === 'czar')?.dead, {
      what: 'tmux to see the czar pane dead',
    });
    expect(await alive(shell ?? 0)).toBe(true);
    expect(await alive(daemon ?? 0)).toBe(true);

    await startCzar(fx.fleet);
    // The same check runs again (the killed run gave no verdict), and by then the orphan is gone.
    await waitFor(async () => (await pids('shells')).length === 2 && (await pids('daemons')).length === 2, {
      timeoutMs: 30_000,
      what: 'the check running again',
    });
    expect(await alive(shell ?? 0)).toBe(false);
    expect(await alive(daemon ?? 0)).toBe(false);
    const sha = String((await fx.waitForEvent('checks_started', 'fin')).data?.sha);
    const log = await readFile(path.join(fx.fleet.paths.checks, 'fin', `${sha}.log`), 'utf8');
    expect(log.match(/^\$ slow:/gm)).toHaveLength(1);
    expect(existsSync(path.join(fx.fleet.paths.checks, 'fin', 'run.json'))).toBe(true);
  });
});
