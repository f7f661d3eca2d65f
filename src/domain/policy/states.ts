import { classifyWithReason, freshReport, heldOver } from './classify.js';
import { briefedSince, epoch, hasEvidence } from '../model/model.js';
import { reviewSentBackOnTip } from './review.js';
import { checksFailedOnTip, finishedForGood } from './verification.js';
import {
  clearAlert,
  dueBy,
  model,
  name,
  notifyOnce,
  raiseAlert,
  STATE_ALERTS,
  type Context,
  type Draft,
} from './draft.js';
import { apiFailed, crashed, ladder, waiting } from './ladder.js';
import { checkpointDue, lastCheckpointAt } from './checkpoint-due.js';

/** Where each worker stands: its classified state, and what the policy does in that state. */

/** Classifies the worker, logs a change of state and ends the alerts and episodes that belonged to the old one. */
export function transition(ctx: Context, draft: Draft): void {
  const { state, reason, changesAt } = classifyWithReason(model(draft), ctx.now, ctx.fleet.policy);
  if (changesAt !== undefined && changesAt > ctx.now) dueBy(draft, changesAt);
  const memory = draft.memory;
  draft.why = reason;
  if (state !== memory.state) {
    ctx.actions.push({
      kind: 'event',
      worker: name(draft),
      event: 'state',
      message: `${memory.state} -> ${state}`,
      reason,
    });
    memory.state = state;
    memory.stateSince = ctx.now;
  }
  for (const alert of memory.alerts) {
    const owner = STATE_ALERTS[alert.kind];
    if (owner !== undefined && owner !== state) clearAlert(ctx, draft, alert.kind, undefined, `no longer ${owner}`);
  }
  // A done stands against the agent's hooks: a turn after it is czar's (a conflict warning, a realign) unless the
  // person sent a message. It ends once the worker speaks for itself again, or a new task makes it stale.
  const fresh = freshReport(model(draft));
  if ((state === 'done' || state === 'verified') && fresh?.state === 'done' && memory.heldDone?.at !== fresh.at)
    memory.heldDone = fresh;
  const held = memory.heldDone;
  if (
    held !== undefined &&
    heldOver(model(draft)) === undefined &&
    ((draft.worker.report?.at ?? 0) > held.at || held.at < briefedSince(model(draft)))
  ) {
    memory.heldDone = undefined;
  }
  const stalled = isStalled(draft);
  const notified = memory.notified.filter((episode) =>
    episode === 'stalled' ? stalled : episode === state || (episode === 'crashed' && memory.gaveUp),
  );
  if (notified.length !== memory.notified.length) memory.notified = notified;
  if (state !== 'waiting') memory.answered = undefined;
  if (memory.ladder.rung !== 'none' && madeProgress(draft)) {
    ctx.actions.push({
      kind: 'event',
      worker: name(draft),
      event: 'ladder_reset',
      message: `escalation ladder reset from ${memory.ladder.rung}`,
      reason: 'new commit, checkpoint, new task or a clear report since the last rung',
    });
    memory.ladder = { rung: 'none', at: ctx.now };
  }
}

/** Evidence that the worker moved since the last rung: a commit, a new task, or an answer it owes nobody else. */
function madeProgress(draft: Draft): boolean {
  const { memory, git } = model(draft);
  const since = memory.ladder.at;
  if ((epoch(git.lastCommit?.at) ?? 0) > since) return true;
  if ((memory.briefedAt ?? 0) > since || lastCheckpointAt(draft) > since) return true;
  const state = draft.memory.state;
  return (
    state === 'waiting' ||
    state === 'blocked' ||
    (state === 'done' &&
      hasEvidence(model(draft)) &&
      !checksFailedOnTip(model(draft)) &&
      !reviewSentBackOnTip(model(draft)))
  );
}

function isStalled(draft: Draft): boolean {
  const state = draft.memory.state;
  return state === 'idle' || state === 'stuck' || (state === 'done' && !hasEvidence(model(draft)));
}

/** The per-state part of the policy. */
export function act(ctx: Context, draft: Draft): void {
  const state = draft.memory.state;
  claimsWithoutProcess(ctx, draft);
  switch (state) {
    case 'crashed':
      crashed(ctx, draft);
      return;
    case 'waiting':
      waiting(ctx, draft);
      return;
    case 'blocked':
      notifyOnce(
        ctx,
        draft,
        'blocked',
        `${name(draft)} is blocked: ${draft.worker.report?.note ?? 'no note given'}`,
        draft.why,
      );
      return;
    case 'done':
      if (hasEvidence(model(draft))) {
        clearAlert(
          ctx,
          draft,
          'no_evidence',
          undefined,
          `${draft.worker.git.commitsAhead} commit(s) ahead of ${ctx.fleet.base}`,
        );
        // With checks, dependents wait for `verified`: they would build on work that may still fail.
        if (finishedForGood(model(draft))) draft.memory.completedAt ??= ctx.now;
      } else if (ctx.fleet.baseMissing !== true) {
        raiseAlert(ctx, draft, 'no_evidence', `reported done but has no new commits ahead of ${ctx.fleet.base}`, {
          reason: 'done needs commits on the branch',
        });
        ladder(ctx, draft, 'no_evidence');
      }
      return;
    case 'verified':
      draft.memory.completedAt ??= ctx.now;
      return;
    case 'idle':
      raiseAlert(ctx, draft, 'idle_unfinished', `${draft.why}: the agent ended its turn with work left`, {
        reason: draft.why,
      });
      ladder(ctx, draft, 'idle');
      return;
    case 'stuck':
      raiseAlert(ctx, draft, 'stuck', draft.why, { reason: draft.why });
      ladder(ctx, draft, 'stuck');
      return;
    case 'api_error':
      apiFailed(ctx, draft);
      return;
    case 'working':
      checkpointDue(ctx, draft);
      return;
    case 'queued':
    case 'starting':
    case 'stopped':
    case 'over_budget':
    case 'worktree_missing':
      return;
  }
}

/** A report of `working` from a worker whose agent is gone is a claim without evidence. */
function claimsWithoutProcess(ctx: Context, draft: Draft): void {
  const claims = draft.memory.state === 'crashed' && freshReport(model(draft))?.state === 'working';
  if (claims)
    raiseAlert(ctx, draft, 'no_evidence', 'reports working but its agent process has exited', { reason: draft.why });
  else if (draft.memory.state !== 'done')
    clearAlert(ctx, draft, 'no_evidence', undefined, 'the claim no longer contradicts the evidence');
}
