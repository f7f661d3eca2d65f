import { describe, expect, it } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { Executor } from '../../src/supervisor/executor.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';

describe('czar supervision: the tmux server goes away', () => {
  it('does not take every worker for crashed when the whole tmux server is gone (czar down), and says so', async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'a',
          task: '# Finish\n@sim write src/a.ts export const a = 1;\\n\n@sim commit a: add a\n@sim done a in',
        },
        {
          name: 'b',
          task: '# Finish\n@sim write src/b.ts export const b = 2;\\n\n@sim commit b: add b\n@sim done b in',
        },
      ],
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((status) => status.sprintOver, { what: 'the sprint to be over' });
    // What `czar down` does: the server goes, and with it every session (the czar's own too, in a real fleet).
    await new Tmux(fx.fleet.config.tmuxSocket).killServer();
    await fx.waitForEvent('tmux_gone');
    const status = await fx.status();
    expect(status?.sprintOver).toBe(true);
    expect(status?.workers.map((worker) => worker.state)).toEqual(['done', 'done']);
    expect((await fx.events()).filter((event) => event.kind === 'state' && event.message.includes('crashed'))).toEqual(
      [],
    );
  });

  it('does not start the server again to restart a worker once it is gone: the fleet was taken down', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'a', task: '# Wait\n@sim idle' }] });
    await fx.launchWave();
    const [spec] = fx.fleet.config.workers;
    if (spec === undefined) throw new Error('the fixture has no worker');
    const executor = new Executor(fx.fleet, {
      delivered: () => undefined,
      launched: () => undefined,
      respawned: () => undefined,
      failed: () => undefined,
      settled: () => undefined,
      checked: () => undefined,
      stop: () => undefined,
      integrate: () => undefined,
      endSprint: () => undefined,
      openPullRequests: () => undefined,
      written: () => undefined,
      handedOver: () => undefined,
    });
    // A restart the czar decided just before "czar down" killed the server, carried out just after.
    await fx.fleet.tmux.killServer();
    const task = {
      id: 'a',
      title: 'Wait',
      text: '# Wait',
      scope: [],
      roleText: undefined,
      buildsOn: undefined,
      at: Date.now(),
      commitsAtStart: 0,
    };
    await expect(executor.restart(spec, task, { kind: 'fresh', why: 'a test' })).rejects.toThrow(
      /tmux server "czar-\w+" is gone, so worker "a" was not started again; run "czar up"/,
    );
    expect(await fx.fleet.tmux.serverRunning()).toBe(false);
  });
});
