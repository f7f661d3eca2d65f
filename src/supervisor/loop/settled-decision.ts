import type { FleetModel } from '../../domain/model/model.js';
import type { Decision } from '../../domain/policy/actions.js';

/** However quiet the fleet, `decide()` runs at least this often: a time rule that named no moment is late, not lost. */
const DECIDE_AT_LEAST_EVERY_MS = 60_000;

/**
 * The last decision that changed nothing, and until when it holds. `decide()` is pure, and a fleet that decided
 * nothing decides nothing again before the moment that decision named (`lookAgainAt`): a clock pass over the same
 * model before then need not decide at all. On a quiet fleet that was most of the czar's CPU, and of its garbage.
 */
export class SettledDecision {
  private model: FleetModel | undefined;
  private until = 0;

  /** Whether deciding on `model` now would change nothing. */
  holds(model: FleetModel, now: number): boolean {
    return model === this.model && now < this.until;
  }

  /** `decision` was made on `model` at `now`. */
  note(model: FleetModel, decision: Decision, now: number): void {
    const settled = decision.actions.length === 0 && decision.fleet === model;
    this.model = settled ? model : undefined;
    this.until = Math.min(decision.lookAgainAt ?? Infinity, now + DECIDE_AT_LEAST_EVERY_MS);
  }
}
