import type { FleetModel } from '../model/model.js';
import { sprintOver } from '../status/status-render.js';
import type { Action } from './actions.js';
import { integrationSettled } from './integration.js';

/** The sprint is over: no worker can make more progress by itself, and the integration branch has nothing left to do. */
export function sprintEnded(fleet: FleetModel): boolean {
  return sprintOver(fleet) && integrationSettled(fleet);
}

/**
 * The sprint's end, said once: when it is reached the czar announces it, writes the handoff and opens the integration
 * branch's pull request if it gets one (`end_sprint`); work
 * that comes back (a restart, a new task) makes it a sprint in progress again, to be ended again later.
 */
export function decideSprintEnd(fleet: FleetModel, actions: Action[]): FleetModel {
  const over = sprintEnded(fleet);
  if (over === (fleet.sprintEndTold === true)) return fleet;
  if (over) {
    const summary = fleet.workers.map((worker) => `${worker.spec.name} ${worker.memory.state}`).join(', ');
    // The integration branch gets its pull request when pull requests are on and it holds some work.
    const seen = fleet.integration;
    const pullRequest = seen !== undefined && seen.pullRequestsWhen !== 'off' && (seen.record?.merged.length ?? 0) > 0;
    actions.push({
      kind: 'end_sprint',
      summary,
      pullRequest,
      reason: 'no worker can make more progress by itself and the integration branch is settled',
    });
  }
  return { ...fleet, sprintEndTold: over };
}
