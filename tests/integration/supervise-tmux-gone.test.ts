import { describe, expect, it } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';

describe('czar supervision: the tmux server goes away', () => {
  it('does not take every worker for crashed when the whole tmux server is gone (czar down), and says so', async () => {
    const fx = await fleetFixture({
      workers: [
        { name: 'a', task: '# Finish\n@sim write src/a.ts export const a = 1;\\n\n@sim commit a: add a\n@sim done a in' },
        { name: 'b', task: '# Finish\n@sim write src/b.ts export const b = 2;\\n\n@sim commit b: add b\n@sim done b in' },
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
    expect((await fx.events()).filter((event) => event.kind === 'state' && event.message.includes('crashed'))).toEqual([]);
  });
});
