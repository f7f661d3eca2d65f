import type { FleetModel, WorkerModel } from '../model/model.js';
import type { Action } from './actions.js';
import type { Draft } from './draft.js';

/**
 * Workers at rest. A worker's own rules (its state, ladder, checks, review, place, scope, comments) read only its own
 * facts, the fleet-wide policy, pause and base, and the clock, whose effect they announce as the worker's `dueAt`. A
 * pass that changed nothing of a worker and asked nothing of it therefore says what every later pass on the very same
 * worker object, under the same fleet-wide rules, says until that moment: nothing. Such a pass skips the worker's own
 * rules, so a report from one worker costs one worker's rules, not the fleet's. Rules across workers (overlap,
 * conflicts, dependents, children, launches, bonus tasks) still look at every worker.
 */

/** However quiet a worker, its own rules run at least this often, as `decide()` itself does for a quiet fleet. */
const REST_AT_MOST_MS = 60_000;

interface Rest {
  readonly fleet: FleetWide;
  /** The worker's first deadline, as its last full pass found it. */
  readonly dueAt: number;
  /** When its own rules run again: its deadline, or REST_AT_MOST_MS after it came to rest. */
  readonly until: number;
  readonly why: string;
}

/** What a worker's own rules read of the fleet. */
interface FleetWide {
  readonly policy: FleetModel['policy'];
  readonly paused: boolean;
  readonly base: string;
  readonly baseMissing: boolean | undefined;
}

/** Keyed by the worker object a pass left unchanged: the store gives the next pass that same object until it changes. */
const rests = new WeakMap<WorkerModel, Rest>();

/** A new draft of `worker` for a pass at `now`, resting when its last pass said nothing until after `now`. */
export function draftOf(worker: WorkerModel, fleet: FleetModel, now: number): Draft {
  const rest = rests.get(worker);
  const resting = rest !== undefined && now < rest.until && sameFleetWide(rest.fleet, fleet);
  return {
    worker,
    memory: { ...worker.memory },
    launchedAt: worker.launchedAt,
    why: resting ? rest.why : '',
    dueAt: resting ? rest.dueAt : Infinity,
    resting,
  };
}

/**
 * After a pass: each worker it decided in full, left as it came in (`before`, the very object) and named in no action
 * rests until its first deadline. A resting worker keeps the rest it has.
 */
export function noteRests(
  fleet: FleetModel,
  before: readonly WorkerModel[],
  after: readonly WorkerModel[],
  drafts: readonly Draft[],
  actions: readonly Action[],
  now: number,
): void {
  const named = new Set(actions.map((action) => ('worker' in action ? action.worker : undefined)));
  const wide = fleetWide(fleet);
  drafts.forEach((draft, index) => {
    const worker = after[index];
    if (draft.resting || worker === undefined || worker !== before[index] || named.has(worker.spec.name)) return;
    const until = Math.min(draft.dueAt, now + REST_AT_MOST_MS);
    rests.set(worker, { fleet: wide, dueAt: draft.dueAt, until, why: draft.why });
  });
}

function fleetWide(fleet: FleetModel): FleetWide {
  return { policy: fleet.policy, paused: fleet.paused, base: fleet.base, baseMissing: fleet.baseMissing };
}

function sameFleetWide(known: FleetWide, fleet: FleetModel): boolean {
  return (
    known.policy === fleet.policy &&
    known.paused === fleet.paused &&
    known.base === fleet.base &&
    known.baseMissing === fleet.baseMissing
  );
}
