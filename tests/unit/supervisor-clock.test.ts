import { describe, expect, it } from 'vitest';
import type { FleetModel } from '../../src/domain/model/model.js';
import { decide } from '../../src/domain/policy/decide.js';
import { clockEveryMs, sweepEveryMs } from '../../src/supervisor/loop/pass-clock.js';
import { SettledDecision } from '../../src/supervisor/loop/settled-decision.js';
import { fleet, SECOND, spec, T0, tick } from '../helpers/fleet.js';

describe('the clock of a quiet czar', () => {
  it('passes every second up to 100 workers, then slows with the fleet so its cost stays flat', () => {
    expect([1, 20, 100].map(clockEveryMs)).toEqual([1000, 1000, 1000]);
    expect([200, 500].map(clockEveryMs)).toEqual([2000, 5000]);
  });

  it('sweeps every pane and looks at every report and branch every 10 s up to 250 workers, then slows the same way', () => {
    expect([1, 100, 250].map(sweepEveryMs)).toEqual([10_000, 10_000, 10_000]);
    expect([500, 1000].map(sweepEveryMs)).toEqual([20_000, 40_000]);
  });
});

describe('a settled decision', () => {
  const quiet = (): { model: FleetModel; now: number } => {
    // Launched at T0 and quiet since: idle at T0 + 90 s, half a minute after `now`.
    const model = tick(fleet([spec('a')]), T0).fleet;
    const now = T0 + 61 * SECOND;
    return { model: decide(model, now).fleet, now };
  };

  it('holds for the same model until the moment decide() named, and no longer', () => {
    const { model, now } = quiet();
    const decision = decide(model, now);
    expect(decision.actions).toEqual([]);
    const settled = new SettledDecision();
    settled.note(model, decision, now);
    const until = decision.lookAgainAt ?? 0;
    expect(until).toBe(T0 + 90 * SECOND);
    expect(settled.holds(model, until - 1)).toBe(true);
    expect(settled.holds(model, until)).toBe(false);
    // Any new fact is a new model: decide again.
    expect(settled.holds({ ...model }, now + 1)).toBe(false);
  });

  it('does not hold after a decision that acted or changed the fleet, and holds a minute at most', () => {
    const { model, now } = quiet();
    const settled = new SettledDecision();
    settled.note(model, { actions: [], fleet: { ...model } }, now);
    expect(settled.holds(model, now + 1)).toBe(false);
    settled.note(model, { actions: [], fleet: model }, now);
    expect(settled.holds(model, now + 59 * SECOND)).toBe(true);
    expect(settled.holds(model, now + 60 * SECOND)).toBe(false);
  });
});
