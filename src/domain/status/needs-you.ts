import type { FleetStatus, WorkerStatus } from './status-schema.js';

/** What answers a worker that needs the person: the page shows this action beside the reason. */
export type NeedAction = 'answer' | 'restart' | 'resume' | 'comment' | 'send';

/** One worker the czar cannot help on its own, in one line, and the action that answers it. */
export interface Need {
  readonly worker: string;
  readonly reason: string;
  readonly action: NeedAction;
}

const MAX_REASON = 200;

/**
 * The workers that need the person, from the fleet's status: waiting for input, past the escalation ladder (stuck,
 * crashed for good, blocked), over budget, or with review findings after the last round. Pure: views only render it.
 */
export function needsYou(status: FleetStatus): Need[] {
  return status.workers.flatMap((worker) => {
    const need = needOf(worker);
    return need === undefined ? [] : [{ worker: worker.name, ...need, reason: oneLine(need.reason) }];
  });
}

function needOf(worker: WorkerStatus): Omit<Need, 'worker'> | undefined {
  const alert = (kind: string): string | undefined => worker.alerts.find((each) => each.kind === kind)?.message;
  const review = worker.review;
  const latest = worker.alerts.at(-1)?.message ?? worker.note ?? '';
  if (worker.state === 'waiting')
    return { reason: alert('waiting_input') ?? `waiting for input: ${worker.lastOutput ?? ''}`, action: 'answer' };
  if (worker.state === 'over_budget') return { reason: alert('budget') ?? 'over budget', action: 'resume' };
  if (worker.state === 'stuck' || worker.state === 'crashed' || worker.state === 'api_error')
    return { reason: `${worker.state}: ${latest}`, action: 'restart' };
  if (worker.state === 'blocked' || worker.state === 'worktree_missing')
    return { reason: `${worker.state}: ${latest}`, action: 'send' };
  if (review !== undefined && review.state === 'changes_requested' && review.round >= review.maxRounds)
    return {
      reason: `review round ${review.round} of ${review.maxRounds}: ${review.summary ?? `${review.findings.length} finding(s)`}`,
      action: 'comment',
    };
  const unresolved = alert('review_unresolved');
  return unresolved === undefined ? undefined : { reason: unresolved, action: 'comment' };
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}
