import type { CheckRunStatus } from './check-run-status.js';
import { checkpointsStatus } from './checkpoint-status.js';
import { placeFields } from '../model/place-kind.js';
import type { Checkpoint } from '../model/checkpoints.js';
import { childrenOf, openChildren, owedToParent } from '../policy/children.js';
import { freshReport } from '../policy/classify.js';
import { currentTask, hasEvidence, type FleetModel, type WorkerModel } from '../model/model.js';
import { reviewState, type ReviewState } from '../policy/review.js';
import { visible, visibleLines } from '../model/sanitize.js';
import type { FleetStatus, ReviewStatus, WorkerStatus } from './status-schema.js';
import type { WaitingComment } from './status-usage-schema.js';
import type { CheckRunObservation, PersonComment } from '../model/observations.js';
import type { CheckSpec } from '../model/config-types.js';
import { finishedForGood } from '../policy/verification.js';
import { fleetUsageStatus, workerUsageStatus } from './usage-status.js';

/** What the shell knows beyond the model, per worker: the pane id and the last line of output. */
export interface StatusExtras {
  readonly paneId?: string;
  readonly lastOutput?: string;
}

/**
 * The sprint is over when no worker can make more progress by itself: each one is done with evidence (verified where
 * checks are configured) for its current task, stopped, or crashed for good, and no queued worker or (with bonus on)
 * queued task is left. A task handed out after the done claim (an integration fix-up) has no commits yet: more work.
 */
export function sprintOver(fleet: FleetModel): boolean {
  const settled = fleet.workers.every((worker) => {
    const { state, gaveUp } = worker.memory;
    const finished =
      finishedForGood(worker) && hasEvidence(worker) && openChildren(fleet, worker.spec.name).length === 0;
    return state === 'stopped' || (state === 'crashed' && gaveUp) || finished;
  });
  return settled && (fleet.policy.bonus === 'off' || fleet.queue.length === 0);
}

/**
 * The status as a reader should see it: a czar killed without warning cannot clear its own `supervisor` entry, so
 * only a live czar process keeps it.
 */
export function withCzarLiveness(status: FleetStatus, czarAlive: boolean): FleetStatus {
  if (czarAlive || status.supervisor === undefined) return status;
  const { supervisor: _dead, ...rest } = status;
  return rest;
}

/** The fleet file (`.czar/status.json`) for this model: what people, the dashboard and workers read. */
export function fleetStatus(
  fleet: FleetModel,
  meta: {
    project: string;
    startedAt: string;
    now: number;
    ratesAt?: number;
    supervisor?: { pid: number; heartbeatAt: string };
  },
  extras: ReadonlyMap<string, StatusExtras>,
): FleetStatus {
  return {
    project: meta.project,
    base: fleet.base,
    startedAt: meta.startedAt,
    updatedAt: new Date(meta.now).toISOString(),
    paused: fleet.paused,
    ...(meta.supervisor === undefined ? {} : { supervisor: meta.supervisor }),
    workers: fleet.workers.map((worker) => keptWorkerStatus(worker, extras.get(worker.spec.name) ?? NO_EXTRAS, fleet)),
    queue: fleet.queue.map((task) => ({ id: task.id, title: task.title })),
    sprintOver: sprintOver(fleet),
    ...(fleet.baseMissing === true ? { baseMissing: true as const } : {}),
    // Rates as of the heartbeat (`ratesAt`): a rate that moved with every pass would rewrite the file every second.
    usage: fleetUsageStatus(fleet, Date.parse(meta.startedAt), meta.ratesAt ?? meta.now),
  };
}

const NO_EXTRAS: StatusExtras = {};

/** What a worker's entry was built from besides the worker itself: the entry is built again when any of it moved. */
interface KeptEntry {
  readonly extras: StatusExtras;
  readonly prices: FleetModel['prices'];
  readonly children: readonly WorkerModel[];
  readonly status: WorkerStatus;
}

const keptEntries = new WeakMap<WorkerModel, KeptEntry>();

/**
 * A worker's entry, the same object as last time when nothing it is built from moved: a pass builds the entries of
 * the workers that changed, not 500 of them, and status.json's text keeps the text of each entry with it.
 */
function keptWorkerStatus(worker: WorkerModel, extras: StatusExtras, fleet: FleetModel): WorkerStatus {
  const children = childrenOf(fleet, worker.spec.name);
  const kept = keptEntries.get(worker);
  if (
    kept !== undefined &&
    kept.extras === extras &&
    kept.prices === fleet.prices &&
    (kept.children === children || (kept.children.length === 0 && children.length === 0))
  )
    return kept.status;
  const status = workerStatus(worker, extras, fleet, children);
  keptEntries.set(worker, { extras, prices: fleet.prices, children, status });
  return status;
}

function workerStatus(
  worker: WorkerModel,
  extras: StatusExtras,
  fleet: FleetModel,
  children: readonly WorkerModel[],
): WorkerStatus {
  const { spec, memory, pane } = worker;
  const usage = workerUsageStatus(worker, fleet);
  const report = freshReport(worker);
  const task = currentTask(worker);
  const review = reviewState(worker);
  return {
    name: spec.name,
    state: memory.state,
    since: new Date(memory.stateSince).toISOString(),
    branch: spec.branch,
    title: task?.title ?? spec.title,
    agent: spec.agent.name,
    ...progressFields(task?.checkpoints, report?.progress),
    ...(report?.note === undefined ? {} : { note: report.note }),
    ...(worker.checkRun === undefined ? {} : { checks: checkRunStatus(worker.checkRun, spec.checks) }),
    git: worker.git,
    ...(extras.lastOutput === undefined ? {} : { lastOutput: extras.lastOutput }),
    ...(pane?.lastOutputAt === undefined ? {} : { lastOutputAt: new Date(pane.lastOutputAt).toISOString() }),
    restarts: memory.restarts,
    alerts: memory.alerts,
    paused: memory.paused,
    ...(extras.paneId === undefined ? {} : { paneId: extras.paneId }),
    tasks: memory.tasks.map((given) => given.id),
    ...(worker.report?.resultFile === undefined ? {} : { resultFile: worker.report.resultFile }),
    ...(usage === undefined ? {} : { usage }),
    ...(review === undefined ? {} : { review: reviewStatus(review) }),
    ...(memory.comments === undefined || memory.comments.length === 0
      ? {}
      : { comments: memory.comments.map(waitingComment) }),
    ...placeFields(spec),
    ...(spec.parent === undefined ? {} : { parent: spec.parent }),
    ...(memory.handedOver === undefined
      ? {}
      : {
          handedOver: memory.handedOver.map((entry) => ({
            task: memory.tasks[entry.task - 1]?.id ?? spec.name,
            from: entry.from,
            to: entry.to,
            at: new Date(entry.at).toISOString(),
            reason: entry.reason,
          })),
        }),
    ...family(children),
  };
}

/** A person's waiting comment for the status file, its words with their control characters pictured. */
function waitingComment(comment: PersonComment): WaitingComment {
  return {
    ...(comment.file === undefined ? {} : { file: visible(comment.file) }),
    ...(comment.line === undefined ? {} : { line: comment.line }),
    text: visible(comment.text),
    at: new Date(comment.at).toISOString(),
  };
}

function family(children: readonly WorkerModel[]): { children?: { name: string; owed: boolean }[] } {
  return children.length === 0
    ? {}
    : { children: children.map((child) => ({ name: child.spec.name, owed: owedToParent(child) })) };
}

/** The review for the status file: the reviewer's words with their control characters pictured. */
function reviewStatus(review: ReviewState): ReviewStatus {
  return {
    state: review.state,
    reviewer: review.reviewer,
    round: review.round,
    maxRounds: review.maxRounds,
    ...(review.sha === undefined ? {} : { sha: review.sha }),
    ...(review.summary === undefined ? {} : { summary: visible(review.summary) }),
    findings: review.findings.map((finding) => ({
      ...finding,
      ...(finding.file === undefined ? {} : { file: visible(finding.file) }),
      text: visible(finding.text),
    })),
  };
}

/** Progress is the checkpoints done when the task has them, else the worker's own percentage. */
function progressFields(
  items: readonly Checkpoint[] | undefined,
  reported: number | undefined,
): Pick<WorkerStatus, 'progress' | 'checkpoints'> {
  if (items === undefined || items.length === 0) return reported === undefined ? {} : { progress: reported };
  const checkpoints = checkpointsStatus(items);
  return { progress: Math.round((100 * checkpoints.done) / checkpoints.total), checkpoints };
}

/** The latest check run for the status file: the failing check's output is the worker's words, pictured. */
export function checkRunStatus(run: CheckRunObservation, checks: readonly CheckSpec[]): CheckRunStatus {
  const failure = run.failure;
  return {
    commit: run.sha,
    state: run.status,
    at: new Date(run.at).toISOString(),
    checks: checks.map((check) => check.name),
    ...(run.why === undefined ? {} : { why: run.why }),
    ...(failure === undefined
      ? {}
      : {
          failure: {
            check: failure.name,
            run: failure.run,
            ...(failure.exitCode === undefined ? {} : { exitCode: failure.exitCode }),
            timedOut: failure.timedOut,
            tail: visibleLines(failure.tail),
            log: failure.logFile,
          },
        }),
  };
}
