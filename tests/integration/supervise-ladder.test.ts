import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';

describe('czar supervision: crashes and stalls', () => {
  it('restarts a crashed worker with backoff, gives up after restart.max, and nudges a quiet one', async () => {
    const fx = await fleetFixture({
      workers: [
        { name: 'crasher', task: '# Crash at once\n@sim crash 3' },
        { name: 'sleeper', task: '# Start, then go quiet\n@sim work 1 reading\n@sim quiet' },
      ],
    });
    await fx.launchWave();
    await fx.supervise();

    const first = await fx.waitForEvent('restart', 'crasher');
    expect(first.data).toMatchObject({ attempt: 1 });
    // tmux 3.3a loses about half of the exit statuses of quickly exiting panes (see sim-agent.test.ts).
    expect(first.message).toMatch(/crashed.*the agent exited with (status 3|an unknown status)/);
    const nudge = await fx.waitForEvent('nudge', 'sleeper');
    expect(nudge.message).toMatch(/idle/);
    await fx.waitForEvent('gave_up', 'crasher');
    const status = await fx.waitForStatus(
      (s) =>
        workerIn(s, 'crasher').restarts === 2 &&
        workerIn(s, 'crasher').alerts.some((a) => a.kind === 'crashed' && /gave up/.test(a.message)),
    );
    expect(workerIn(status, 'crasher').state).toBe('crashed');

    const events = await fx.events();
    const crasher = events.filter((e) => e.worker === 'crasher').map((e) => e.kind);
    // Each restart pasted the task again into a live pane before the next crash.
    const restarts = crasher.flatMap((kind, i) => (kind === 'restart' ? [i] : []));
    expect(restarts).toHaveLength(2);
    for (const at of restarts) expect(crasher.slice(at).includes('pasted')).toBe(true);
    // The nudge reached the sleeper's agent.
    await fx.waitForEvent('message_delivered', 'sleeper');
    // The agent confirms a turn (its report) a moment before its capture file of that turn lands.
    const got = await waitFor(
      async () => {
        const captures = await fx.captures('sleeper');
        return captures.length >= 2 ? captures : undefined;
      },
      { what: 'the nudge in the sleeper capture' },
    );
    // The first paste is the task, the second the nudge (later rungs may follow while the crasher backs off).
    expect(got[1]).toMatch(/Worker sleeper: .*idle/);
  });

  it('brings back a worker whose session was killed by hand, told by tmux as the session closed', async () => {
    // A bystander keeps the tmux server up (a real fleet has the czar's own session): a server left without sessions exits.
    const quiet = '# Start, then go quiet\n@sim work 1 reading\n@sim quiet';
    const fx = await fleetFixture({
      workers: [
        { name: 'victim', task: quiet },
        { name: 'bystander', task: quiet },
      ],
    });
    await fx.launchWave();
    await fx.supervise();
    const before = await fx.waitForStatus(
      (s) => workerIn(s, 'victim').paneId !== undefined && workerIn(s, 'victim').state === 'working',
      { what: 'the victim at work' },
    );
    await fx.fleet.tmux.cmd(['kill-session', '-t', workerIn(before, 'victim').paneId ?? '']);
    // The hook's touch is what wakes the czar at once; without it only the periodic pane sweep would notice.
    await waitFor(
      () =>
        stat(path.join(fx.fleet.paths.signals, 'session-closed')).then(
          () => true,
          () => undefined,
        ),
      { what: "tmux's session-closed hook" },
    );
    await fx.waitForEvent('restart', 'victim');
    const after = await fx.waitForStatus(
      (s) => workerIn(s, 'victim').restarts === 1 && workerIn(s, 'victim').paneId !== workerIn(before, 'victim').paneId,
      { what: 'the victim in a new pane' },
    );
    expect(workerIn(after, 'victim').state).not.toBe('crashed');
  });
});
