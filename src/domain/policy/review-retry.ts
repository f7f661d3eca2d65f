import type { FleetModel } from '../model/model.js';
import { reviewRound } from './review.js';
import { short, tipOf } from './verification.js';
import type { Action } from './actions.js';

/**
 * A person's `czar review <worker>`: the review of the worker's tip runs again, a new round, even where a verdict of
 * that tip is kept (a review that gave none, or one that asked for changes), numbered as the round after it. The alert of the failed review is cleared
 * when the new one starts. A refusal sentence when there is nothing to retry.
 */
export function retryReview(
  fleet: FleetModel,
  worker: string,
): { readonly fleet: FleetModel; readonly action: Action } | { readonly refused: string } {
  const model = fleet.workers.find((candidate) => candidate.spec.name === worker);
  if (model === undefined) return { refused: `There is no worker "${worker}".` };
  const review = model.spec.review;
  if (review === undefined)
    return {
      refused: `Worker "${worker}" has no reviewer; add "review:" to the config (fleet-wide or under the worker) to have its branch reviewed.`,
    };
  const tip = tipOf(model);
  const run = model.reviewRun?.sha === tip ? model.reviewRun : undefined;
  if (tip === undefined || (run === undefined && model.memory.reviewAsked !== tip))
    return {
      refused: `Worker "${worker}" has no review of its tip to run again; ${review.agent.name} reviews it once it reports done and its checks pass.`,
    };
  if (run === undefined || run.status === 'running')
    return {
      refused: `The review of ${worker}'s tip ${short(tip)} is already running or queued; see its verdict with "czar status".`,
    };
  if (run.status === 'approved')
    return {
      refused: `${review.agent.name} already approved ${worker}'s tip ${short(tip)}; a new commit is reviewed on its own.`,
    };
  // The round after the one retried, as the reviewer's prompt and the events number it (the last one at most).
  const action: Action = {
    kind: 'run_review',
    worker,
    sha: tip,
    round: Math.min(reviewRound(model, tip, review.maxRounds) + 1, review.maxRounds),
    again: true,
    reason: `the person asked ${review.agent.name} to review ${short(tip)} again`,
  };
  const workers = fleet.workers.map((other) =>
    other === model ? { ...other, memory: { ...other.memory, reviewAsked: tip } } : other,
  );
  return { fleet: { ...fleet, workers }, action };
}
