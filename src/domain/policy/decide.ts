import { checkBudgets } from './budget.js';
import { judgeConflicts } from './conflicts.js';
import type { FleetModel, WorkerMemory, WorkerModel } from '../model/model.js';
import { judgeReview } from './review.js';
import { sameItems } from '../model/same-items.js';
import { judgeChecks } from './verification.js';
import { withholdFromPlainShells } from './plain-shell.js';
import type { Action, Decision } from './actions.js';
import { ACTIVE, MESSAGEABLE, model, paused, type Context, type Draft } from './draft.js';
import { dependentsByName, handOutBonus, launchQueued, notifyDone, tellDependents } from './queue.js';
import { checkBase, checkPlace } from './place.js';
import { checkStateDir } from './state-dir.js';
import { checkNetDoors } from './net-doors.js';
import { deliverComments } from './comments.js';
import { checkDelivery } from './delivery-mismatch.js';
import { alertBoxRefusals, alertRefusals } from './refusals.js';
import { decideIntegration } from './integration.js';
import { integrationRetryAt } from './integration-alert.js';
import { answerRequests } from './requests.js';
import { decideSprintEnd } from './sprint.js';
import { settleChildren } from './spawn.js';
import { checkOverlap, checkScope, checkTask } from './scope.js';
import { draftOf, noteRests } from './rest.js';
import { act, transition } from './states.js';
import { learnedIn, trackOutcomes } from './outcomes.js';
import { handOverFailing } from './hand-over.js';

/**
 * One pass of the czar's judgement: answer the person's requests, classify every worker whose inputs changed, then
 * walk the policy (crash restarts, answers, the escalation ladder, evidence checks, scope and overlap, dependencies,
 * launches under `max_active`, bonus tasks). Pure: the returned fleet holds the updated memory, so calling again with
 * no new facts yields no new actions; what it remembers of resting workers (rest.ts) only spares work.
 */
export function decide(observed: FleetModel, now: number): Decision {
  const actions: Action[] = [];
  // The person's requests first, as they change what the rules below see (a resume lifts a spent budget).
  const budgets = checkBudgets(answerRequests(observed, now, actions), now);
  actions.push(...budgets.actions);
  const doors = checkNetDoors(checkStateDir(checkBase(budgets.fleet, actions), actions), now, actions);
  const fleet = doors.fleet;
  const drafts = fleet.workers.map((worker) => draftOf(worker, fleet, now));
  const byName = new Map(drafts.map((draft) => [draft.worker.spec.name, draft]));
  const ctx: Context = { fleet, now, actions, iso: new Date(now).toISOString() };

  // Each worker's own rules, for the workers whose inputs changed (see rest.ts).
  const moving = drafts.filter((draft) => !draft.resting);
  for (const draft of moving) transition(ctx, draft);
  for (const draft of moving) act(ctx, draft);
  for (const draft of moving) deliverComments(ctx, draft);
  for (const draft of moving) {
    const canMessage = !paused(ctx, draft) && draft.worker.pane?.alive === true;
    const checks = judgeChecks(model(draft), now, canMessage);
    Object.assign(draft.memory, checks.memory);
    actions.push(...checks.actions);
    const review = judgeReview(model(draft), now, canMessage);
    Object.assign(draft.memory, review.memory);
    actions.push(...review.actions);
    handOverFailing(ctx, draft);
  }
  for (const draft of moving) checkPlace(ctx, draft);
  for (const draft of moving) checkDelivery(ctx, draft);
  for (const draft of moving) {
    alertRefusals(ctx, draft);
    alertBoxRefusals(ctx, draft);
  }
  for (const draft of moving) checkScope(ctx, draft);
  for (const draft of moving) checkTask(ctx, draft);
  // The rules across workers, for every worker.
  checkOverlap(ctx, drafts);
  for (const draft of drafts) {
    const conflicts = judgeConflicts(
      model(draft),
      fleet,
      now,
      !paused(ctx, draft) && MESSAGEABLE.has(draft.memory.state) && draft.worker.pane?.alive === true,
    );
    Object.assign(draft.memory, conflicts.memory);
    actions.push(...conflicts.actions);
  }
  const dependents = dependentsByName(drafts);
  for (const draft of drafts) tellDependents(ctx, draft, dependents);
  settleChildren(ctx, drafts);
  // Before a finished worker takes a bonus task: the task it finished is recorded first.
  trackOutcomes(ctx, drafts);
  let active = drafts.filter((draft) => ACTIVE.has(draft.memory.state) && !draft.memory.gaveUp).length;
  active = launchQueued(ctx, drafts, byName, active);
  const queue = handOutBonus(ctx, drafts, active);
  for (const draft of drafts) notifyDone(ctx, draft);
  // Restarts and new tasks change what the facts mean (older reports go stale): settle on that now, so a second
  // call with the same facts finds nothing to do.
  // A resting worker too, when a rule across workers changed it in this pass.
  for (const draft of drafts) if (!draft.resting || changedFrom(draft.worker, draft)) transition(ctx, draft);

  const workers = drafts.map((draft, index) => unchangedOr(observed.workers[index], draft));
  const learning = learnedIn(fleet.learning, actions);
  const same =
    workers.every((worker, index) => worker === observed.workers[index]) &&
    sameItems(queue, observed.queue) &&
    fleet.paused === observed.paused &&
    fleet.policy === observed.policy &&
    fleet.requests === observed.requests &&
    fleet.budgetWarned === observed.budgetWarned &&
    fleet.baseMissingTold === observed.baseMissingTold &&
    fleet.stateDirFullTold === observed.stateDirFullTold &&
    fleet.netDoorsRestarted === observed.netDoorsRestarted &&
    learning === observed.learning;
  // The integration branch's fix-ups and runs, on the workers as this pass left them (as the source's run reads them).
  const integrated = decideIntegration(same ? observed : { ...fleet, workers, queue, learning }, now, actions);
  const next = decideSprintEnd(integrated, actions);
  withholdFromPlainShells(next, actions);
  // A failed integration run is tried again once its backoff is over.
  const retryAt = next.integration?.running === false ? integrationRetryAt(next.integration) : undefined;
  noteRests(next, observed.workers, next.workers, drafts, actions, now);
  const due = [...drafts.map((draft) => draft.dueAt), retryAt ?? Infinity, doors.retryAt ?? Infinity].filter(
    (at) => at > now,
  );
  const lookAgainAt = Math.min(...due);
  return { actions, fleet: next, ...(lookAgainAt === Infinity ? {} : { lookAgainAt }) };
}

/**
 * The worker as it was when this pass changed nothing of it. The czar passes every second, and a fleet that keeps
 * its identity tells it there is nothing to save or write.
 */
function unchangedOr(before: WorkerModel | undefined, draft: Draft): WorkerModel {
  return before === undefined || changedFrom(before, draft) ? model(draft) : before;
}

/** Whether the draft's launch time or memory differ from the worker's. */
function changedFrom(worker: WorkerModel, draft: Draft): boolean {
  const keys = Object.keys(draft.memory) as (keyof WorkerMemory)[];
  return (
    worker.launchedAt !== draft.launchedAt ||
    keys.length !== Object.keys(worker.memory).length ||
    keys.some((key) => worker.memory[key] !== draft.memory[key])
  );
}
