import { isIntegrated, type FleetModel, type WorkerMemory, type WorkerModel } from './model.js';
import type { Action, ConflictSide } from './policy/actions.js';
import type { Alert } from './status-schema.js';
import type { PredictedConflict } from './observations.js';

/**
 * Conflicts predicted while the workers work: the conflict source runs `git merge-tree` on branch tips whose
 * changed files overlap (and on each branch against base), and this module turns its predictions into a `conflict`
 * alert on both sides, naming the files, and a message telling each worker once per counterpart who owns the other
 * side. An alert clears when its prediction does. Pure.
 */

/** The other side of each predicted conflict that involves `name`. */
export function conflictsOf(
  name: string,
  conflicts: readonly PredictedConflict[],
): { readonly peer: string | undefined; readonly files: readonly string[] }[] {
  return conflicts.flatMap((conflict) => {
    if (conflict.worker === name) return [{ peer: conflict.peer, files: conflict.files }];
    if (conflict.peer === name) return [{ peer: conflict.worker, files: conflict.files }];
    return [];
  });
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
  const predicted = conflictsOf(name, fleet.conflicts ?? []).map((conflict) => ({
    ...conflict,
    key: conflict.peer ?? fleet.base,
  }));
  const actions: Action[] = [];
  const finished = worker.memory.state === 'done' || worker.memory.state === 'verified';
  const mustAct = !finished || !isIntegrated(worker, fleet);
  let alerts = worker.memory.alerts;
  let told = worker.memory.conflictsTold ?? [];
  for (const alert of alerts) {
    if (alert.kind !== 'conflict' || predicted.some((conflict) => conflict.key === alert.peer)) continue;
    alerts = alerts.filter((other) => other !== alert);
    actions.push({
      kind: 'clear_alert',
      worker: name,
      alertKind: 'conflict',
      ...(alert.peer === undefined ? {} : { peer: alert.peer }),
      reason: `merging with ${alert.peer ?? 'the other side'} no longer conflicts`,
    });
  }
  // Told about a counterpart whose conflict is gone: a new conflict with it later is news again.
  told = told.filter((key) => predicted.some((conflict) => conflict.key === key));
  const sides: ConflictSide[] = [];
  let reason = '';
  for (const conflict of predicted) {
    const side =
      conflict.peer === undefined
        ? `the base branch ${fleet.base}`
        : `${conflict.peer} (branch ${branchOf(fleet, conflict.peer)})`;
    const message = `merging with ${side} would conflict in ${conflict.files.length} file(s): ${conflict.files.join(', ')}`;
    const shown = alerts.find((alert) => alert.kind === 'conflict' && alert.peer === conflict.key);
    if (shown?.message !== message) {
      const alert: Alert = {
        kind: 'conflict',
        message,
        since: shown?.since ?? new Date(now).toISOString(),
        files: conflict.files,
        peer: conflict.key,
      };
      alerts = [...alerts.filter((other) => other !== shown), alert];
      actions.push({
        kind: 'alert',
        worker: name,
        alert,
        reason: 'git merge-tree predicts a conflict between the branch tips',
      });
    }
    // A prediction still running tells nobody yet: a fleet on one file would get a message per pair found.
    if (told.includes(conflict.key) || !canMessage || !mustAct || fleet.conflictsPartial === true) continue;
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
  const changed = alerts !== worker.memory.alerts || told.length !== (worker.memory.conflictsTold ?? []).length;
  return { actions, memory: changed ? { alerts, conflictsTold: told } : {} };
}

function branchOf(fleet: FleetModel, worker: string): string {
  return fleet.workers.find((candidate) => candidate.spec.name === worker)?.spec.branch ?? worker;
}
