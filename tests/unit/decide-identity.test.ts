import { describe, expect, it } from 'vitest';
import type { FleetModel } from '../../src/domain/model/model.js';
import { decide } from '../../src/domain/policy/decide.js';
import {
  alivePane,
  bonusTask,
  commits,
  fleet,
  MINUTE,
  observe,
  policy,
  SECOND,
  spec,
  T0,
  tick,
  inputUsage,
  TEST_PRICES,
} from '../helpers/fleet.js';

/** Three launched workers as a quiet czar sees them: one with commits, files shared with a peer, spend and a budget. */
function quietFleet(): { model: FleetModel; now: number } {
  const budget = { worker: { usd: 100, tokens: undefined }, fleet: { usd: 1000, tokens: undefined } };
  let model = tick(
    fleet([spec('a'), spec('b'), spec('c')], {
      policy: policy({ budget }),
      prices: TEST_PRICES,
      queue: [bonusTask('extra')],
    }),
    T0,
  ).fleet;
  const now = T0 + 30 * SECOND;
  const usage = inputUsage(1000);
  model = observe(model, 'a', () => ({ git: commits(1, now, ['src/shared.ts']), pane: alivePane(now), usage }));
  model = observe(model, 'b', () => ({
    git: { ...commits(0, now, []), dirty: ['src/shared.ts'] },
    pane: alivePane(now),
  }));
  model = observe(model, 'c', () => ({ pane: alivePane(now) }));
  // Settle: the overlap alerts and state changes these facts call for happen on the first passes.
  for (let pass = 0; pass < 3; pass += 1) model = decide(model, now + pass * SECOND).fleet;
  return { model, now: now + 3 * SECOND };
}

describe('decide on facts that did not change', () => {
  it('returns the very fleet it was given, so a quiet pass has nothing to write', () => {
    const { model, now } = quietFleet();
    const decision = decide(model, now + SECOND);
    expect(decision.actions).toEqual([]);
    expect(decision.fleet).toBe(model);
  });

  it('returns a new fleet, and keeps the workers that did not change, once a time rule fires', () => {
    const { model, now } = quietFleet();
    const decision = decide(model, now + 10 * MINUTE);
    expect(decision.fleet).not.toBe(model);
    expect(decision.actions.length).toBeGreaterThan(0);
    const changed = decision.fleet.workers
      .filter((worker, index) => worker !== model.workers[index])
      .map((worker) => worker.spec.name);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThanOrEqual(model.workers.length);
  });
});
