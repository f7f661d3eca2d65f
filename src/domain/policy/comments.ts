import type { CzarRequest } from '../model/czar-request.js';
import { MAX_WAITING_COMMENTS } from '../model/limits.js';
import type { FleetModel } from '../model/model.js';
import type { PersonComment } from '../model/observations.js';
import type { WorkerState } from '../model/words.js';
import type { Context, Draft } from './draft.js';

/** States in which the agent's turn is over: it finished, gave up, or went quiet without a question. */
const BETWEEN_TURNS: ReadonlySet<WorkerState> = new Set(['idle', 'done', 'verified', 'blocked']);

type CommentRequest = Extract<CzarRequest, { kind: 'comment' }>;

/** Keeps a person's comment for the worker's next pause between turns; a refusal sentence when it cannot wait. */
export function takeComment(
  fleet: FleetModel,
  request: CommentRequest,
  now: number,
): { fleet: FleetModel } | { refused: string } {
  const { worker, file, line, text } = request;
  const waiting = fleet.workers.find((model) => model.spec.name === worker)?.memory.comments ?? [];
  if (waiting.length >= MAX_WAITING_COMMENTS)
    return {
      refused: `Worker "${worker}" already has ${waiting.length} comments waiting for its turn to end, the most czar keeps; put the rest in one file and use "czar send ${worker} --file F".`,
    };
  const comment: PersonComment = { file, line, text, at: now };
  const workers = fleet.workers.map((model) =>
    model.spec.name === worker
      ? { ...model, memory: { ...model.memory, comments: [...waiting, comment], commentedTip: undefined } }
      : model,
  );
  return { fleet: { ...fleet, workers } };
}

/**
 * Delivers the waiting comments as one message once the worker is between turns (never typed into a running turn),
 * and remembers the tip they were left on: the worker is not verified again before a newer commit.
 */
export function deliverComments(ctx: Context, draft: Draft): void {
  const comments = draft.memory.comments;
  const pane = draft.worker.pane;
  if (comments === undefined || comments.length === 0) return;
  if (pane?.alive !== true || pane.screenBusy || pane.screenWaiting || !BETWEEN_TURNS.has(draft.memory.state)) return;
  const worker = draft.worker.spec.name;
  ctx.actions.push({
    kind: 'comments',
    worker,
    comments,
    reason: `${comments.length} comment(s) from the person, delivered between turns`,
  });
  draft.memory.comments = undefined;
  draft.memory.commentedTip = draft.worker.git.lastCommit?.sha ?? '';
  // The turn the comments start is new work: the done it follows no longer stands against the agent's hooks.
  draft.memory.heldDone = undefined;
}
