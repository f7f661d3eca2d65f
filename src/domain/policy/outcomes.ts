import { fileAreas, taskKind, type Outcome, type OutcomeEnd, type OutcomeTrack } from '../learning/outcome.js';
import { withOutcomes, type Learning } from '../learning/learning.js';
import { currentTask, isIntegrated, type GivenTask, type WorkerModel } from '../model/model.js';
import type { FleetModel } from '../model/model.js';
import { workerUsageStatus } from '../status/usage-status.js';
import { finishedForGood } from './verification.js';
import type { Action } from './actions.js';
import { evidenceOf, lessonsOf, withEvidence } from './lessons.js';
import { model, name, type Context, type Draft } from './draft.js';

/**
 * The record's part of the policy: what the current task went through (counted from the actions this policy
 * takes: fix-ups, reviews sent back, nudges, restarts), and, once the task ends (verified, in the integration
 * branch, given up, stopped by the person), one `record_outcome` action the executor appends to the record.
 */

const MAX_LISTED = 20;

/** Counts this pass's actions into each worker's track and records each task that ended. */
export function trackOutcomes(ctx: Context, drafts: readonly Draft[]): void {
  const learning = ctx.fleet.learning;
  if (learning === undefined) return;
  const byWorker = new Map<string, Action[]>();
  for (const action of ctx.actions) {
    if (action.worker === undefined || !COUNTED.has(action.kind)) continue;
    byWorker.set(action.worker, [...(byWorker.get(action.worker) ?? []), action]);
  }
  for (const draft of drafts) {
    const tasks = draft.memory.tasks.length;
    if (tasks === 0) continue;
    const before = draft.memory.outcome?.task === tasks ? draft.memory.outcome : undefined;
    let track = counted(before ?? fresh(tasks), byWorker.get(name(draft)) ?? []);
    const task = currentTask(model(draft));
    const handOver = ctx.actions.find((action) => action.kind === 'hand_over' && action.worker === name(draft));
    if (handOver?.kind === 'hand_over' && task !== undefined && track.recorded === undefined) {
      // The agent it was taken from is recorded as having given it up; the next agent's track starts afresh.
      const reviewed = handOver.evidence.review !== undefined;
      const failed = {
        ...track,
        checkFailures: [...handOver.evidence.failedChecks].slice(-MAX_LISTED),
        reviewRounds: track.reviewRounds + (reviewed ? 1 : 0),
        verdicts: reviewed ? [...track.verdicts, 'changes_requested'].slice(-MAX_LISTED) : track.verdicts,
      };
      const outcome = outcomeOf(ctx, draft, task, failed, 'gave_up', learning.repo);
      ctx.actions.push({ kind: 'record_outcome', worker: name(draft), outcome, reason: reasonOf(task, outcome) });
      const next = { ...fresh(tasks), handOvers: (track.handOvers ?? 0) + 1 };
      draft.memory.outcome = withEvidence(next, [...(track.evidence ?? []), ...evidenceOf(handOver)]);
      continue;
    }
    const end = endOf(model(draft), ctx.fleet, track.recorded?.end);
    if (end !== undefined && task !== undefined) {
      const outcome =
        track.recorded === undefined
          ? outcomeOf(ctx, draft, task, track, end, learning.repo)
          : { ...track.recorded, at: ctx.iso, end, integrated: true };
      ctx.actions.push({ kind: 'record_outcome', worker: name(draft), outcome, reason: reasonOf(task, outcome) });
      const lessons = track.recorded === undefined ? lessonsOf(outcome, track, draft.worker.git.filesChanged) : [];
      if (lessons.length > 0)
        ctx.actions.push({ kind: 'record_lessons', worker: name(draft), lessons, reason: `learned from ${task.id}` });
      track = { ...track, recorded: outcome };
    }
    if (track !== draft.memory.outcome) draft.memory.outcome = track;
  }
}

/** The record with the outcomes this pass recorded: routing in the same sprint sees them at once. */
export function learnedIn(learning: Learning | undefined, actions: readonly Action[]): Learning | undefined {
  if (learning === undefined) return undefined;
  return withOutcomes(
    learning,
    actions.flatMap((action) => (action.kind === 'record_outcome' ? [action.outcome] : [])),
  );
}

/** A given task's kind: its own, an integration fix-up's, else from its scope. */
export function taskKindOf(task: GivenTask): string {
  return task.kind ?? (task.fixes === undefined ? taskKind(undefined, undefined, task.scope) : 'integration-fixup');
}

const COUNTED: ReadonlySet<Action['kind']> = new Set([
  'fixup',
  'review_fixup',
  'nudge',
  'rebrief',
  'restart',
  'warn_conflict',
]);

function fresh(task: number): OutcomeTrack {
  return { task, checkFailures: [], reviewRounds: 0, verdicts: [], nudges: 0, restarts: 0 };
}

function counted(track: OutcomeTrack, actions: readonly Action[]): OutcomeTrack {
  if (actions.length === 0 || track.recorded !== undefined) return track;
  let { checkFailures, reviewRounds, verdicts, nudges, restarts } = track;
  for (const action of actions) {
    if (action.kind === 'warn_conflict') continue;
    if (action.kind === 'fixup') checkFailures = [...checkFailures, action.failure.name].slice(-MAX_LISTED);
    else if (action.kind === 'review_fixup') {
      reviewRounds = Math.max(reviewRounds, action.round);
      verdicts = [...verdicts, 'changes_requested'].slice(-MAX_LISTED);
    } else if (action.kind === 'restart') restarts++;
    else nudges++;
  }
  return withEvidence(
    { ...track, checkFailures, reviewRounds, verdicts, nudges, restarts },
    actions.flatMap(evidenceOf),
  );
}

/** How the task ended, when it ended in this pass: a verified task later reaches the integration branch too. */
function endOf(worker: WorkerModel, fleet: FleetModel, ended: OutcomeEnd | undefined): OutcomeEnd | undefined {
  if (ended === 'integrated' || ended === 'gave_up' || ended === 'cancelled') return undefined;
  if (ended === 'verified') return isIntegrated(worker, fleet) ? 'integrated' : undefined;
  if (finishedForGood(worker)) return isIntegrated(worker, fleet) ? 'integrated' : 'verified';
  if (worker.memory.gaveUp) return 'gave_up';
  if (worker.memory.stopped) return 'cancelled';
  return undefined;
}

function outcomeOf(
  ctx: Context,
  draft: Draft,
  task: GivenTask,
  track: OutcomeTrack,
  end: OutcomeEnd,
  repo: string,
): Outcome {
  const worker = model(draft);
  const spec = worker.spec;
  const usage = worker.usage?.tasks.find((entry) => entry.task === task.id);
  const modelName = usage?.models.at(-1)?.model;
  const spent = workerUsageStatus(worker, ctx.fleet)?.tasks.find((entry) => entry.task === task.id);
  const verified = end === 'verified' || end === 'integrated';
  const approved = verified && worker.reviewRun?.status === 'approved';
  // A worker's own task carried the lessons of its brief, a bonus task those of its message (fix-ups carry none).
  const carried = task.id === spec.name ? spec.lessons?.map((lesson) => lesson.id) : task.lessons;
  const outcome: Outcome = {
    v: 1,
    // Each agent a task was handed to has an outcome of its own.
    id: `${repo}:${spec.name}:${task.id}:${task.at}${track.handOvers === undefined ? '' : `:h${track.handOvers}`}`.slice(
      0,
      400,
    ),
    at: ctx.iso,
    repo,
    kind: taskKindOf(task),
    areas: fileAreas(worker.git.filesChanged),
    agent: spec.agent.name,
    preset: spec.agent.preset,
    ...(modelName === undefined ? {} : { model: modelName.slice(0, 120) }),
    end,
    firstTry: verified && track.checkFailures.length === 0 && track.reviewRounds === 0,
    checkFailures: [...track.checkFailures],
    reviewRounds: track.reviewRounds,
    verdicts: approved ? [...track.verdicts, 'approved'].slice(-MAX_LISTED) : [...track.verdicts],
    nudges: track.nudges,
    restarts: track.restarts,
    minutes: Math.max(0, (ctx.now - (task.deliveredAt ?? task.at)) / 60_000),
    ...(spent === undefined || spent.unpricedModels.length > 0 ? {} : { usd: spent.usd }),
    integrated: end === 'integrated',
    ...(carried === undefined || carried.length === 0 ? {} : { lessons: carried.slice(0, 8) }),
  };
  return outcome;
}

function reasonOf(task: GivenTask, outcome: Outcome): string {
  const how = outcome.firstTry
    ? 'first try'
    : `${outcome.checkFailures.length} check failure(s), ${outcome.reviewRounds} review round(s)`;
  return `${task.id} ${outcome.end === 'gave_up' ? 'given up' : outcome.end} (${outcome.kind}, ${how})`;
}
