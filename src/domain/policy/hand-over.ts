import { outputHead, reviewEvidence, type HandOverEvidence } from '../learning/hand-over-text.js';
import { chooseAgent } from '../learning/routing.js';
import { currentTask, ownTask, type GivenTask } from '../model/model.js';
import type { Action } from './actions.js';
import { model, name, type Context, type Draft } from './draft.js';
import { taskKindOf } from './outcomes.js';

/**
 * Hand-over on failure: an `agent: auto` task that failed `routing.reassign_after` verification rounds (checks or
 * review), or crashed past the restart limit, moves to the best other agent of the pool by the record (the routing
 * rules, without exploration: a failing task is no time to measure), on the same branch. One `hand_over` action
 * takes the place of the fix-up this pass would have pasted; the executor stops the old agent, starts the new one
 * in the same worktree and pastes the task with what was tried and what failed.
 */

type Failure = Extract<Action, { kind: 'fixup' | 'review_fixup' }>;

/** After the checks and the review have judged: hands the task over instead of a fix-up that reached the limit. */
export function handOverFailing(ctx: Context, draft: Draft): void {
  const reassignAfter = ctx.fleet.routing?.reassignAfter ?? 0;
  if (reassignAfter === 0 || draft.worker.spec.routed !== true) return;
  const failures = ctx.actions.filter(
    (action): action is Failure =>
      (action.kind === 'fixup' || action.kind === 'review_fixup') && action.worker === name(draft),
  );
  const last = failures.at(-1);
  if (last === undefined) return;
  const track = trackOf(draft);
  const checks = [
    ...(track?.checkFailures ?? []),
    ...failures.flatMap((failure) => (failure.kind === 'fixup' ? [failure.failure.name] : [])),
  ];
  // Counted here, not from the record's track: a hand-over does not need the record on.
  const task = Math.max(1, draft.memory.tasks.length);
  const before = draft.memory.failedRounds;
  const rounds = (before?.task === task ? before.count : 0) + failures.length;
  draft.memory.failedRounds = { task, count: rounds };
  if (rounds < reassignAfter) return;
  const evidence: HandOverEvidence = {
    from: draft.worker.spec.agent.name,
    why: `${rounds} failed verification round(s)`,
    failedChecks: checks,
    ...(last.kind === 'fixup'
      ? { check: { name: last.failure.name, run: last.failure.run, head: outputHead(last.failure) } }
      : { review: reviewEvidence(last.summary, last.findings) }),
  };
  if (
    !handOver(
      ctx,
      draft,
      evidence,
      `${rounds} failed verification round(s), routing.reassign_after is ${reassignAfter}`,
    )
  )
    return;
  // The fix-ups this pass decided are the hand-over's to carry: the old agent is stopped, not told.
  for (const failure of failures) ctx.actions.splice(ctx.actions.indexOf(failure), 1);
}

/** At the restart limit: true when the task was handed over (so the czar does not give up on it). */
export function handOverCrashed(ctx: Context, draft: Draft, why: string): boolean {
  if ((ctx.fleet.routing?.reassignAfter ?? 0) === 0 || draft.worker.spec.routed !== true) return false;
  const track = trackOf(draft);
  const evidence: HandOverEvidence = {
    from: draft.worker.spec.agent.name,
    why: `crashed ${draft.memory.restarts + 1} time(s) (${why})`,
    failedChecks: track?.checkFailures ?? [],
  };
  return handOver(ctx, draft, evidence, `${why}; restart limit of ${ctx.fleet.policy.restart.max} reached`);
}

function trackOf(draft: Draft) {
  const outcome = draft.memory.outcome;
  return outcome?.task === draft.memory.tasks.length ? outcome : undefined;
}

function handOver(ctx: Context, draft: Draft, evidence: HandOverEvidence, because: string): boolean {
  const routing = ctx.fleet.routing;
  if (routing === undefined) return false;
  const memory = draft.memory;
  const taskNumber = Math.max(1, memory.tasks.length);
  const task: GivenTask = currentTask(model(draft)) ?? ownTask(draft.worker.spec, ctx.now);
  const tried = [
    ...(memory.handedOver ?? []).filter((entry) => entry.task === taskNumber).map((entry) => entry.from),
    evidence.from,
  ];
  const choice = chooseAgent({
    kind: taskKindOf(task),
    repo: ctx.fleet.learning?.repo ?? '',
    outcomes: ctx.fleet.learning?.outcomes ?? [],
    settings: { ...routing, explore: 0 },
    exclude: tried,
  });
  if (choice === undefined) return false;
  const why = `${because}; ${choice.reason}`;
  const reason = `handed over from ${evidence.from} to ${choice.agent}: ${why}`;
  ctx.actions.push({
    kind: 'hand_over',
    worker: name(draft),
    from: evidence.from,
    to: choice.agent,
    task,
    evidence,
    brief: routing.plainShells?.includes(choice.agent) !== true,
    reason,
  });
  memory.handedOver = [
    ...(memory.handedOver ?? []),
    { task: taskNumber, from: evidence.from, to: choice.agent, at: ctx.now, reason: why },
  ];
  // The new agent starts afresh: its own restarts, ladder and review rounds; the old done claim is stale.
  memory.restarts = 0;
  memory.gaveUp = false;
  memory.lastRestartAt = ctx.now;
  memory.briefedAt = ctx.now;
  memory.resumedConversation = undefined;
  memory.ladder = { rung: 'none', at: ctx.now };
  memory.reviewRounds = undefined;
  memory.failedRounds = undefined;
  memory.notified = memory.notified.filter((episode) => episode !== 'crashed' && episode !== 'stalled');
  return true;
}
