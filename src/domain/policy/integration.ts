import { candidatesOf, planIntegration } from './integration-plan.js';
import { fixupsOwed, fixupTaskId, giveFixup } from './integration-fixup.js';
import type { FleetModel } from '../model/model.js';
import { pullRequestsDue } from './pull-request.js';
import type { Action } from './actions.js';
import { alertFailedRuns, integrationRetryAt } from './integration-alert.js';

/**
 * The integration branch's part of `decide()`: each recorded failure owes its worker one fix-up task, given once the
 * worker can take a message; runs that keep failing raise an alert on the workers they hold up; and a run starts when a finished branch can go in (one run at a time, the same merges
 * not tried twice, a failed run tried again after its backoff). The run itself is the integration source's.
 */
export function decideIntegration(fleet: FleetModel, now: number, actions: Action[]): FleetModel {
  const fixed = giveFixups(alertFailedRuns(fleet, now, actions), now, actions);
  return startRun(askPullRequests(fixed, actions), now, actions);
}

/**
 * After each run that moved the record (and once for the record a czar starts with), the pull requests `pr.when`
 * calls for are opened and the reviewers' verdicts posted on them.
 */
function askPullRequests(fleet: FleetModel, actions: Action[]): FleetModel {
  const seen = fleet.integration;
  const record = seen?.record;
  if (seen === undefined || record === undefined || seen.running || seen.pullRequestsWhen === 'off') return fleet;
  if (seen.pullRequestsAskedAfter === record.updatedAt) return fleet;
  const merged = new Set(record.merged.map((entry) => entry.tip));
  const due = pullRequestsDue(candidatesOf(fleet, merged), seen.pullRequests, seen.pullRequestsWhen);
  actions.push({
    kind: 'open_pull_requests',
    workers: due.map((candidate) => candidate.worker),
    reason: `the integration record moved, and pr.when is ${seen.pullRequestsWhen}`,
  });
  return { ...fleet, integration: { ...seen, pullRequestsAskedAfter: record.updatedAt } };
}

function giveFixups(fleet: FleetModel, now: number, actions: Action[]): FleetModel {
  const record = fleet.integration?.record;
  if (record === undefined) return fleet;
  let next = fleet;
  for (const { worker, entry } of fixupsOwed(fleet, record)) {
    const name = worker.spec.name;
    // A plain shell would run the fix-up's prose as commands: its failure stays in status and the handoff instead.
    if (fleet.integration?.plainShells.includes(name) === true) continue;
    if (worker.pane?.alive !== true || worker.memory.paused || fleet.paused) continue;
    const task = {
      id: fixupTaskId(entry),
      title: `Fix-up: merge ${record.branch} into ${worker.spec.branch}`,
      // The executor writes the whole message as it pastes it (its words live in prompts/integration-fixup.md); until
      // then a restart or re-brief renders it from the failure.
      text: '',
      fixes: entry.failure,
    };
    next = giveFixup(next, name, task, now, record);
    actions.push({
      kind: 'integration_fixup',
      worker: name,
      task: task.id,
      failure: entry.failure,
      reason: `its branch at ${entry.tip.slice(0, 10)} could not go into ${record.branch}`,
    });
  }
  return next;
}

function startRun(fleet: FleetModel, now: number, actions: Action[]): FleetModel {
  const seen = fleet.integration;
  if (seen === undefined || seen.running || now < integrationRetryAt(seen)) return fleet;
  const attempt = mergesDue(fleet).join(' ');
  if (attempt === '' || attempt === seen.lastAttempt) return fleet;
  actions.push({
    kind: 'integrate',
    merges: attempt,
    reason: seen.failures === 0 ? 'finished branches can go in' : `tried again after ${seen.failures} failed run(s)`,
  });
  return { ...fleet, integration: { ...seen, running: true, lastAttempt: attempt } };
}

/** The merges a run would try now (`worker@tip`). */
function mergesDue(fleet: FleetModel): string[] {
  const record = fleet.integration?.record;
  const candidates = candidatesOf(fleet, new Set((record?.merged ?? []).map((entry) => entry.tip)));
  return record === undefined
    ? candidates
        .filter((candidate) => candidate.ready && !candidate.merged)
        .map((candidate) => `${candidate.worker}@${candidate.tip ?? ''}`)
    : planIntegration(candidates, record).flatMap((step) =>
        step.kind === 'merge' ? [`${step.worker}@${step.tip}`] : [],
      );
}

/**
 * Nothing left that the integration branch does by itself: no run going, no merge to try (a run that failed is
 * tried again), no fix-up owed. Until then the sprint is not over.
 */
export function integrationSettled(fleet: FleetModel): boolean {
  const seen = fleet.integration;
  if (seen?.running === true) return false;
  if (seen?.record !== undefined && fixupsOwed(fleet, seen.record).length > 0) return false;
  return mergesDue(fleet).length === 0;
}
