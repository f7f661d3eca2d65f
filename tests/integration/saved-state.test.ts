import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fleetFixture } from '../helpers/fleet-fixture.js';

describe("the czar's saved state", () => {
  it.each([
    ['not JSON', '{"startedAt": "2026-'],
    ['JSON of another shape', '{"workers": 3, "queue": "x"}'],
  ])('when it is %s, is replaced with an event that says so', async (_what, text) => {
    const fx = await fleetFixture({ workers: [{ name: 'w', task: 'Work.\n@sim quiet' }] });
    await fx.launchWave();
    await writeFile(fx.fleet.paths.czarState, text);
    await fx.supervise();
    const event = await fx.waitForEvent('state_discarded');
    expect(event.message).toBe(
      `${fx.fleet.paths.czarState} is not a saved czar state czar can read, so the czar starts from the config, the launch records and what tmux and git show; the memory of nudges, restarts and the bonus queue starts over.`,
    );
  });
});
