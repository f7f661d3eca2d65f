import { describe, expect, it } from 'vitest';
import { launch, startCzar } from '../../src/launch/up-sequence.js';
import { liveCzarPid } from '../../src/fleet/requests.js';
import { czar, workerEnv } from '../helpers/cli.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { waitFor } from '../helpers/wait.js';

describe('czar supervision: the czar dies and comes back', () => {
  it('adopts the running sessions after a SIGKILL, keeps its memory and loses no event', async () => {
    const fx = await fleetFixture({
      workers: [
        { name: 'fin', task: '# Finish\n@sim write src/fin.ts export {};\\n\n@sim commit fin\n@sim done finished' },
        { name: 'boom', task: '# Crash\n@sim crash 5' },
        { name: 'long', task: '# Long\n@sim work 60 long' },
      ],
      bonus: [{ name: 'extra', task: '# Extra\n@sim work 60 extra' }],
      policy: { restart: { max: 1, backoff: '1s' } },
    });
    // The real thing: `up` launches and starts `czar supervise` in the fleet's tmux session.
    expect(await launch(fx.fleet, { fetch: false, dryRun: false })).toBe(0);
    const before = await fx.waitForStatus(
      (s) =>
        workerIn(s, 'boom').restarts === 1 &&
        workerIn(s, 'boom').alerts.some((a) => /gave up/.test(a.message)) &&
        workerIn(s, 'fin').tasks.length === 2,
      { timeoutMs: 40_000, what: 'boom given up and fin on its bonus task' },
    );
    const pid = await waitFor(() => liveCzarPid(fx.fleet.paths), { what: 'the czar pid' });
    expect(before.supervisor?.pid).toBe(pid);
    const sessions = (await fx.fleet.tmux.listSessions()).sort();
    expect(sessions).toEqual(['boom', 'czar', 'fin', 'long']);
    const eventsBefore = await fx.events();

    process.kill(pid, 'SIGKILL');
    await waitFor(async () => (await liveCzarPid(fx.fleet.paths)) === undefined, { what: 'the czar to die' });
    // tmux keeps the dead czar's pane (remain-on-exit); startCzar must start a czar in it again.
    await waitFor(async () => (await fx.fleet.tmux.listPanes()).find((pane) => pane.session === 'czar')?.dead, {
      what: 'tmux to see the czar pane dead',
    });
    // Reports made while no czar runs are read by the next one, each of them.
    const long = fx.fleet.config.workers.find((worker) => worker.name === 'long');
    const env = await workerEnv(fx.fleet.config.project, fx.fleet.paths.root, 'long');
    for (const note of ['while-down-1', 'while-down-2', 'while-down-3']) {
      const reported = await czar(['report', '--state', note.endsWith('2') ? 'blocked' : 'working', '--note', note], {
        cwd: long?.worktree ?? '',
        env,
      });
      expect(reported.exitCode, reported.stderr).toBe(0);
    }
    await startCzar(fx.fleet);
    const again = await waitFor(
      async () => {
        const next = await liveCzarPid(fx.fleet.paths);
        return next !== undefined && next !== pid ? next : undefined;
      },
      { what: 'a new czar' },
    );
    await fx.waitForEvent('czar_up', undefined, {
      match: (event) => Date.parse(event.at) > Date.parse(eventsBefore.at(-1)?.at ?? ''),
    });
    const after = await fx.waitForStatus((s) => s.supervisor?.pid === again, { what: 'status from the new czar' });

    // Adopted, not relaunched: same sessions, no second delivery, memory kept.
    expect((await fx.fleet.tmux.listSessions()).sort()).toEqual(sessions);
    expect(workerIn(after, 'boom').restarts).toBe(1);
    expect(workerIn(after, 'fin').tasks).toEqual(['fin', 'extra']);
    expect(workerIn(after, 'long').tasks).toEqual(['long']);
    expect(after.startedAt).toBe(before.startedAt);
    expect(after.queue).toEqual([]);
    await waitFor(async () => (await fx.events()).some((event) => event.message.includes('while-down-3')), {
      what: 'the last report made while the czar was down',
    });
    const events = await fx.events();
    const whileDown = events
      .filter((event) => event.kind === 'report' && event.message.includes('while-down'))
      .map((event) => /while-down-\d/.exec(event.message)?.[0]);
    expect(whileDown).toEqual(['while-down-1', 'while-down-2', 'while-down-3']);
    // Every line written before the kill is still there, in order; the new czar only appended.
    expect(events.slice(0, eventsBefore.length)).toEqual(eventsBefore);
    const delivered = events
      .filter((event) => event.kind === 'task_delivered')
      .map((event) => `${event.worker ?? ''}:${String(event.data?.taskId)}`);
    expect(delivered.filter((entry) => entry !== 'boom:boom').sort()).toEqual(['fin:extra', 'fin:fin', 'long:long']);
    const afterKill = events.slice(eventsBefore.length);
    expect(
      afterKill.filter((event) =>
        ['launch', 'session_started', 'task_delivered', 'restart', 'bonus'].includes(event.kind),
      ),
    ).toEqual([]);
  });
});
