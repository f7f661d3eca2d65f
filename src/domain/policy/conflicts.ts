import { isIntegrated, type FleetModel, type WorkerMemory, type WorkerModel } from '../model/model.js';
import type { Action, ConflictSide } from './actions.js';
import type { Alert } from '../status/status-schema.js';
import type { PredictedConflict } from '../model/observations.js';

/**
 * Conflicts predicted while the workers work: the conflict source runs `git merge-tree` on branch tips whose
 * changed files overlap (and on each branch against base), and this module turns its predictions into a `conflict`
 * alert on both sides, naming the files, and a message telling each worker once per counterpart who owns the other
 * side. An alert clears when its prediction does. Pure.
 */

type Side = { readonly peer: string | undefined; readonly files: readonly string[] };

/** Per prediction list: each worker's sides of it, found in one walk (a fleet on one file holds 1225 pairs). */
const sidesByList = new WeakMap<readonly PredictedConflict[], ReadonlyMap<string, readonly Side[]>>();

/** The other side of each predicted conflict that involves `name`. */
export function conflictsOf(name: string, conflicts: readonly PredictedConflict[]): readonly Side[] {
  let sides = sidesByList.get(conflicts);
  if (sides === undefined) {
    const found = new Map<string, Side[]>();
    const add = (worker: string, side: Side): void => {
      const list = found.get(worker);
      if (list === undefined) found.set(worker, [side]);
      else list.push(side);
    };
    for (const conflict of conflicts) {
      add(conflict.worker, { peer: conflict.peer, files: conflict.files });
      if (conflict.peer !== undefined) add(conflict.peer, { peer: conflict.worker, files: conflict.files });
    }
    sides = found;
    sidesByList.set(conflicts, sides);
  }
  return sides.get(name) ?? [];
}

export interface ConflictsDecision {
  readonly actions: readonly Action[];
  readonly memory: Partial<WorkerMemory>;
}

/**
 * Alerts for `worker`'s predicted conflicts, and one message naming the counterparts it was not told of yet; `canMessage` gates the message only. A
 * finished worker whose branch is integrated has nothing to do about it (the other side merges the integration
 * branch in), so it is not told; one that is told stays finished (see `WorkerMemory.heldDone`).
 */
export function judgeConflicts(
  worker: WorkerModel,
  fleet: FleetModel,
  now: number,
  canMessage: boolean,
): ConflictsDecision {
  const name = worker.spec.name;
  const own = conflictsOf(name, fleet.conflicts ?? []);
  const finished = worker.memory.state === 'done' || worker.memory.state === 'verified';
  const mustAct = !finished || !isIntegrated(worker, fleet);
  const inputs: JudgedInputs = {
    alerts: worker.memory.alerts,
    told: worker.memory.conflictsTold,
    canMessage,
    mustAct,
    partial: fleet.conflictsPartial === true,
    base: fleet.base,
  };
  if (sameInputs(settledOn.get(own), inputs)) return NOTHING;
  const decision = judge(worker, own, fleet, now, inputs);
  // Keyed by the worker's own sides, a list of its own: a worker with none has nothing to spare.
  if (own.length > 0 && decision.actions.length === 0 && decision.memory === NO_CHANGE) settledOn.set(own, inputs);
  return decision;
}

/** What a judgement reads besides the worker's sides and the clock (only new alerts are dated). */
interface JudgedInputs {
  readonly alerts: WorkerMemory['alerts'];
  readonly told: WorkerMemory['conflictsTold'];
  readonly canMessage: boolean;
  readonly mustAct: boolean;
  readonly partial: boolean;
  readonly base: string;
}

/**
 * Per worker's sides: the inputs of its last judgement that changed nothing, which change nothing again. A fleet on one
 * file holds every pair of workers; each pass judging all of them again was most of a pass's time.
 */
const settledOn = new WeakMap<readonly Side[], JudgedInputs>();
const NO_CHANGE: Partial<WorkerMemory> = {};
const NOTHING: ConflictsDecision = { actions: [], memory: NO_CHANGE };

function sameInputs(a: JudgedInputs | undefined, b: JudgedInputs): boolean {
  return (
    a !== undefined &&
    a.alerts === b.alerts &&
    a.told === b.told &&
    a.canMessage === b.canMessage &&
    a.mustAct === b.mustAct &&
    a.partial === b.partial &&
    a.base === b.base
  );
}

function judge(
  worker: WorkerModel,
  own: readonly Side[],
  fleet: FleetModel,
  now: number,
  { canMessage, mustAct }: JudgedInputs,
): ConflictsDecision {
  const name = worker.spec.name;
  const predicted = own.map((conflict) => ({ ...conflict, key: conflict.peer ?? fleet.base }));
  const keys = new Set(predicted.map((conflict) => conflict.key));
  const actions: Action[] = [];
  let alerts = worker.memory.alerts;
  for (const alert of alerts) {
    if (alert.kind !== 'conflict' || keys.has(alert.peer ?? '')) continue;
    alerts = alerts.filter((other) => other !== alert);
    actions.push({
      kind: 'clear_alert',
      worker: name,
      alertKind: 'conflict',
      ...(alert.peer === undefined ? {} : { peer: alert.peer }),
      reason: `merging with ${alert.peer ?? 'the other side'} no longer conflicts`,
    });
  }
  const shownFor = new Map<string | undefined, Alert>();
  for (const alert of alerts) if (alert.kind === 'conflict') shownFor.set(alert.peer, alert);
  // Told about a counterpart whose conflict is gone: a new conflict with it later is news again.
  const toldBefore = worker.memory.conflictsTold ?? [];
  let told = toldBefore.filter((key) => keys.has(key));
  const toldSet = new Set(told);
  const sides: ConflictSide[] = [];
  let reason = '';
  for (const conflict of predicted) {
    const side =
      conflict.peer === undefined
        ? `the base branch ${fleet.base}`
        : `${conflict.peer} (branch ${branchOf(fleet, conflict.peer)})`;
    const message = `merging with ${side} would conflict in ${conflict.files.length} file(s): ${conflict.files.join(', ')}`;
    const shown = shownFor.get(conflict.key);
    if (shown?.message !== message) {
      const alert: Alert = {
        kind: 'conflict',
        message,
        since: shown?.since ?? new Date(now).toISOString(),
        files: conflict.files,
        peer: conflict.key,
      };
      alerts = [...alerts.filter((other) => other !== shown), alert];
      shownFor.set(conflict.key, alert);
      actions.push({
        kind: 'alert',
        worker: name,
        alert,
        reason: 'git merge-tree predicts a conflict between the branch tips',
      });
    }
    // A prediction still running tells nobody yet: a fleet on one file would get a message per pair found.
    if (toldSet.has(conflict.key) || !canMessage || !mustAct || fleet.conflictsPartial === true) continue;
    toldSet.add(conflict.key);
    told = [...told, conflict.key];
    const peerBranch = conflict.peer === undefined ? fleet.base : branchOf(fleet, conflict.peer);
    sides.push({ peer: conflict.peer, peerBranch, files: conflict.files });
    reason = message;
  }
  if (sides.length > 1) {
    const others = sides.map((side) => side.peer ?? fleet.base).join(', ');
    reason = `merging with any of ${sides.length} branches would conflict: ${others}`;
  }
  if (sides.length > 0) actions.push({ kind: 'warn_conflict', worker: name, sides, reason });
  const changed = alerts !== worker.memory.alerts || told.length !== toldBefore.length;
  return { actions, memory: changed ? { alerts, conflictsTold: told } : NO_CHANGE };
}

/** Per worker list: each worker's branch by name, so a fleet of many conflicts looks each one up at once. */
const branchesByList = new WeakMap<readonly WorkerModel[], ReadonlyMap<string, string>>();

function branchOf(fleet: FleetModel, worker: string): string {
  let branches = branchesByList.get(fleet.workers);
  if (branches === undefined) {
    branches = new Map(fleet.workers.map((candidate) => [candidate.spec.name, candidate.spec.branch]));
    branchesByList.set(fleet.workers, branches);
  }
  return branches.get(worker) ?? worker;
}
