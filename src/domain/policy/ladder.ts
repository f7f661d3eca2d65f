import { apiFailureStep } from '../model/api-failure.js';
import { currentApiFailure, freshReport } from './classify.js';
import { duration } from '../model/units.js';
import { handOverCrashed } from './hand-over.js';
import { currentTask, epoch, ownTask, type LadderRung } from '../model/model.js';
import { rememberedConversation, restartStartOf } from './restart-start.js';
import type { StallSituation } from './actions.js';
import {
  findAlert,
  MESSAGEABLE,
  model,
  name,
  notifyOnce,
  paused,
  raiseAlert,
  reached,
  replaceAlert,
  type Context,
  type Draft,
} from './draft.js';

/** What the czar does for a worker that stalled, crashed, failed at the API or waits on a question. */

/** How long an auto-answered prompt may stay on screen before the person is asked instead. */
export const ANSWER_GRACE_MS = 10_000;

export function crashed(ctx: Context, draft: Draft): void {
  const memory = draft.memory;
  const { max, backoffMs } = ctx.fleet.policy.restart;
  if (memory.gaveUp) return;
  // Crashed since before the last restart: that restart has not taken effect yet, so this is the old crash; unless the
  // pane says its agent was started again since: the restarted agent ran and died before any pass saw it alive.
  const restartAt = memory.lastRestartAt;
  if (restartAt !== undefined && memory.stateSince <= restartAt && (draft.worker.pane?.startedAt ?? 0) <= restartAt)
    return;
  if (memory.restarts >= max) {
    if (handOverCrashed(ctx, draft, draft.why)) return;
    memory.gaveUp = true;
    const message = `${draft.why}; gave up after ${memory.restarts} restart(s)`;
    replaceAlert(ctx, draft, 'crashed', message, `restart budget of ${max} used up`);
    ctx.actions.push({
      kind: 'event',
      worker: name(draft),
      event: 'gave_up',
      message,
      reason: `restart budget of ${max} used up`,
    });
    notifyOnce(ctx, draft, 'crashed', `${name(draft)} crashed for good: ${message}`, message);
    return;
  }
  // Exponential backoff from the crash (or the last attempt, if the shell has not respawned yet).
  const delay = backoffMs * 2 ** memory.restarts;
  const since = Math.max(memory.stateSince, memory.lastRestartAt ?? 0);
  raiseAlert(ctx, draft, 'crashed', `${draft.why}; restart ${memory.restarts + 1} of ${max} after ${duration(delay)}`, {
    reason: draft.why,
  });
  if (paused(ctx, draft) || !reached(ctx, draft, since + delay)) return;
  restart(
    ctx,
    draft,
    'crashed',
    `${draft.why}; restart ${memory.restarts + 1} of ${max} after ${duration(ctx.now - since)} backoff`,
  );
}

export function restart(ctx: Context, draft: Draft, cause: 'crashed' | 'stalled', reason: string): void {
  const memory = draft.memory;
  const task = currentTask(model(draft)) ?? ownTask(draft.worker.spec, ctx.now);
  const start = restartStartOf(model(draft), task.text, false);
  memory.restarts += 1;
  memory.lastRestartAt = ctx.now;
  memory.briefedAt = ctx.now;
  memory.resumedConversation = rememberedConversation(start);
  ctx.actions.push({ kind: 'restart', worker: name(draft), attempt: memory.restarts, cause, task, start, reason });
}

/** Failed model calls: the step (tell the person, wait, one "continue") comes from `apiFailureStep`. */
export function apiFailed(ctx: Context, draft: Draft): void {
  const worker = model(draft);
  const failure = currentApiFailure(worker);
  if (failure === undefined) return;
  const memory = draft.memory;
  const progressAt = Math.max(epoch(worker.git.lastCommit?.at) ?? 0, memory.briefedAt ?? 0);
  const step = apiFailureStep(failure, {
    failedAt: memory.stateSince,
    retries: memory.apiRetries,
    sentAt: draft.worker.sentAt ?? 0,
    progressAt,
    now: ctx.now,
    backoffMs: ctx.fleet.policy.restart.backoffMs,
  });
  if (findAlert(memory, 'api_error', undefined)?.message !== step.alert)
    replaceAlert(ctx, draft, 'api_error', step.alert, draft.why);
  if (step.kind === 'tell_person') notifyOnce(ctx, draft, 'api_error', `${name(draft)}: ${step.alert}`, draft.why);
  if (step.kind === 'wait') reached(ctx, draft, step.until);
  // A continue still on its way is not a continue that failed: the next one waits for it to arrive.
  if (step.kind !== 'continue' || paused(ctx, draft) || draft.worker.pane?.alive !== true || draft.worker.sending)
    return;
  ctx.actions.push({ kind: 'nudge', worker: name(draft), situation: 'api_error', reason: step.alert });
  memory.apiRetries = step.retries;
}

export function waiting(ctx: Context, draft: Draft): void {
  const memory = draft.memory;
  const pane = draft.worker.pane;
  const screen = pane?.screenWaiting === true ? pane.screen : undefined;
  const rule =
    screen === undefined
      ? undefined
      : ctx.fleet.policy.autoAnswer.find((candidate) => new RegExp(candidate.match, 'm').test(screen));
  if (rule !== undefined && screen !== undefined && !paused(ctx, draft)) {
    if (memory.answered?.screen !== screen) {
      memory.answered = { screen, at: ctx.now };
      ctx.actions.push({
        kind: 'answer',
        worker: name(draft),
        keys: rule.send,
        rule: rule.match,
        reason: `prompt on screen matches auto_answer /${rule.match}/`,
      });
      return;
    }
    // The same prompt is still there after our answer: the answer did not take, so ask the person.
    if (!reached(ctx, draft, memory.answered.at + ANSWER_GRACE_MS)) return;
  }
  const note = freshReport(model(draft))?.state === 'waiting' ? draft.worker.report?.note : undefined;
  const message =
    note === undefined ? 'needs your input: a question is waiting on screen' : `needs your input: ${note}`;
  raiseAlert(ctx, draft, 'waiting_input', message, { reason: draft.why });
  notifyOnce(ctx, draft, 'waiting', `${name(draft)} ${message}`, draft.why);
}

const NEXT_RUNG: Record<LadderRung, LadderRung | undefined> = {
  none: 'nudge',
  nudge: 'rebrief',
  rebrief: 'restart',
  restart: 'human',
  human: undefined,
};

/** One rung per `escalate_after` while the worker stays stalled: nudge, re-brief, restart, tell the person. */
export function ladder(ctx: Context, draft: Draft, situation: StallSituation): void {
  const memory = draft.memory;
  const policy = ctx.fleet.policy;
  let next = NEXT_RUNG[memory.ladder.rung];
  // Without base no branch can be counted: a stall may be nothing but that, so nothing is escalated meanwhile. Nor
  // while czar's last action for it is on its way: a restart waits for its agent to start, and a nudge pasted
  // before the restart's own message took that message's place.
  if (next === undefined || ctx.fleet.baseMissing === true || draft.worker.sending === true) return;
  if (memory.ladder.rung !== 'none' && !reached(ctx, draft, memory.ladder.at + policy.escalateAfterMs)) return;
  if (next === 'restart' && (memory.restarts >= policy.restart.max || memory.gaveUp)) next = 'human';
  // An agent that exited (after a done report) cannot read a nudge: only the person can follow up.
  if (draft.worker.pane?.alive === false) next = 'human';
  const since =
    memory.ladder.rung === 'none'
      ? draft.why
      : `${draft.why}; still stalled ${duration(ctx.now - memory.ladder.at)} after the ${memory.ladder.rung}`;
  if (next === 'human') {
    const kind = situation === 'idle' ? 'idle_unfinished' : situation === 'no_checkpoint' ? 'stuck' : situation;
    const message = `${since}; the ladder (nudge, re-brief, restart) did not help`;
    replaceAlert(ctx, draft, kind, message, 'escalation ladder exhausted');
    notifyOnce(ctx, draft, 'stalled', `${name(draft)} needs you: ${message}`, message);
    memory.ladder = { rung: 'human', at: ctx.now };
    return;
  }
  // Paused workers get alerts only, and messages never go to a pane that cannot take them.
  if (paused(ctx, draft) || !MESSAGEABLE.has(memory.state) || draft.worker.pane?.alive !== true) return;
  const task = currentTask(model(draft)) ?? ownTask(draft.worker.spec, ctx.now);
  if (next === 'nudge') ctx.actions.push({ kind: 'nudge', worker: name(draft), situation, reason: since });
  else if (next === 'rebrief') ctx.actions.push({ kind: 'rebrief', worker: name(draft), task, reason: since });
  else restart(ctx, draft, 'stalled', since);
  memory.ladder = { rung: next, at: ctx.now };
}
