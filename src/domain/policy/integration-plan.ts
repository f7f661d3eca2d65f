import { openChildren } from './children.js';
import type { FleetModel, WorkerModel } from '../model/model.js';
import { finishedForGood } from './verification.js';
import type { WorkerSpec } from '../model/config-types.js';
import type { FleetStatus, IntegrationStatus } from '../status/status-schema.js';
import type { FailedEntry, IntegrationFailure, IntegrationRecord, MergedEntry } from '../model/integration-record.js';

export type {
  FailedEntry,
  IntegrationFailure,
  IntegrationRecord,
  MergedEntry,
  PendingMerge,
} from '../model/integration-record.js';
export { emptyRecord } from '../model/integration-record.js';

/**
 * The integration branch's decisions, pure: which finished branch is merged next (dependency order), what is left
 * out and why, and which worker owes a fix-up. The shell (src/integration) merges, runs the checks and records the
 * outcome in `.czar/integration.json`; the supervisor feeds that record back here.
 */

/** A worker as the integration queue sees it. */
export interface IntegrationCandidate {
  readonly worker: string;
  readonly branch: string;
  readonly title: string;
  readonly dependsOn: readonly string[];
  /** Finished and proven: its branch may be merged. */
  readonly ready: boolean;
  /** Why not ready, for the list of what is left out (e.g. "working"). */
  readonly notReadyBecause: string;
  /** The branch tip to merge; undefined when the branch has no commits of its own. */
  readonly tip: string | undefined;
  /** The tip is already in the integration branch (`merge-base --is-ancestor`). */
  readonly merged: boolean;
}

/** One line of the plan: merge it now, or leave it out for a reason. */
export type PlanStep =
  | { readonly kind: 'merge'; readonly worker: string; readonly branch: string; readonly tip: string }
  | { readonly kind: 'merged'; readonly worker: string; readonly branch: string }
  | { readonly kind: 'left_out'; readonly worker: string; readonly branch: string; readonly reason: string };

/**
 * Whether a worker's branch may go into the integration branch: finished for good, i.e. `verified` where checks are
 * configured, else done with commits beyond those it had when its current task began.
 */
export function readyToIntegrate(worker: WorkerModel): boolean {
  return finishedForGood(worker);
}

/** The candidates of a fleet model, given which tips the integration branch already holds. */
export function candidatesOf(fleet: FleetModel, mergedTips: ReadonlySet<string>): IntegrationCandidate[] {
  // A spawned child's work goes in through its parent's branch, never on its own.
  return fleet.workers.flatMap((worker) => {
    if (worker.spec.parent !== undefined) return [];
    const tip = worker.git.commitsAhead > 0 ? worker.git.lastCommit?.sha : undefined;
    const owed = openChildren(fleet, worker.spec.name);
    const finished = readyToIntegrate(worker);
    return {
      worker: worker.spec.name,
      branch: worker.spec.branch,
      title: worker.spec.title,
      dependsOn: worker.spec.dependsOn,
      ready: finished && owed.length === 0,
      notReadyBecause: finished
        ? `children not merged into its branch or cancelled: ${owed.join(', ')}`
        : worker.memory.state === 'done'
          ? worker.spec.checks.length > 0
            ? 'done, checks not passed yet'
            : 'done without new commits'
          : `still ${worker.memory.state}`,
      tip,
      merged: tip !== undefined && mergedTips.has(tip),
    };
  });
}

/**
 * The candidates as `czar integrate` sees them from outside the czar, in the status file, by the same rule as
 * `readyToIntegrate`: verified where checks are configured; else done, commits ahead and no `no_evidence` alert.
 */
export function candidatesFromStatus(
  workers: readonly WorkerSpec[],
  status: FleetStatus | undefined,
): IntegrationCandidate[] {
  return workers.flatMap((spec) => {
    if (spec.parent !== undefined) return [];
    const worker = status?.workers.find((candidate) => candidate.name === spec.name);
    const tip = worker !== undefined && worker.git.commitsAhead > 0 ? worker.git.lastCommit?.sha : undefined;
    const doneWithEvidence =
      worker !== undefined &&
      worker.state === 'done' &&
      tip !== undefined &&
      !worker.alerts.some((alert) => alert.kind === 'no_evidence');
    const judged = spec.checks.length > 0 || spec.review !== undefined;
    const childrenOpen = worker?.alerts.some((alert) => alert.kind === 'children_open') === true;
    const ready = !childrenOpen && (judged ? worker?.state === 'verified' && tip !== undefined : doneWithEvidence);
    return {
      worker: spec.name,
      branch: spec.branch,
      title: worker?.title ?? spec.title,
      dependsOn: spec.dependsOn,
      ready,
      notReadyBecause:
        worker === undefined
          ? 'not started'
          : worker.state === 'done'
            ? judged
              ? 'done, not verified yet'
              : 'done without new commits'
            : `still ${worker.state}`,
      tip,
      merged: false,
    };
  });
}

/** Candidates in dependency order: each after the workers it depends on, config order otherwise. */
export function dependencyOrder(candidates: readonly IntegrationCandidate[]): IntegrationCandidate[] {
  const byName = new Map(candidates.map((candidate) => [candidate.worker, candidate]));
  const ordered: IntegrationCandidate[] = [];
  const seen = new Set<string>();
  const visit = (candidate: IntegrationCandidate): void => {
    if (seen.has(candidate.worker)) return;
    seen.add(candidate.worker);
    for (const dependency of candidate.dependsOn) {
      const found = byName.get(dependency);
      if (found !== undefined) visit(found);
    }
    ordered.push(candidate);
  };
  for (const candidate of candidates) visit(candidate);
  return ordered;
}

/**
 * The whole plan, in dependency order. A branch waits while a dependency is not in the integration branch (or
 * merged earlier in this plan), and a branch whose current tip already failed waits for its fix-up (a new tip).
 */
export function planIntegration(candidates: readonly IntegrationCandidate[], record: IntegrationRecord): PlanStep[] {
  const inBranch = new Set(candidates.filter((candidate) => candidate.merged).map((candidate) => candidate.worker));
  const steps: PlanStep[] = [];
  for (const candidate of dependencyOrder(candidates)) {
    const { worker, branch } = candidate;
    if (candidate.merged) {
      steps.push({ kind: 'merged', worker, branch });
      continue;
    }
    const leftOut = (reason: string): void => void steps.push({ kind: 'left_out', worker, branch, reason });
    if (!candidate.ready || candidate.tip === undefined) {
      leftOut(`not finished: ${candidate.notReadyBecause}`);
      continue;
    }
    const failed = record.failed.find((entry) => entry.worker === worker && entry.tip === candidate.tip);
    if (failed !== undefined) {
      leftOut(`${failureSummary(failed.failure)}; waiting for ${worker}'s fix-up`);
      continue;
    }
    const waiting = candidate.dependsOn.filter((dependency) => !inBranch.has(dependency));
    if (waiting.length > 0) {
      leftOut(`waits for ${waiting.join(', ')} to be integrated first`);
      continue;
    }
    steps.push({ kind: 'merge', worker, branch, tip: candidate.tip });
    inBranch.add(worker);
  }
  return steps;
}

/** The next merge to try, if any (the runner re-plans after each outcome). */
export function nextMerge(
  candidates: readonly IntegrationCandidate[],
  record: IntegrationRecord,
): Extract<PlanStep, { kind: 'merge' }> | undefined {
  return planIntegration(candidates, record).find(
    (step): step is Extract<PlanStep, { kind: 'merge' }> => step.kind === 'merge',
  );
}

/** One sentence for a failure, as the handoff and events say it. */
export function failureSummary(failure: IntegrationFailure): string {
  if (failure.kind === 'conflict') return `conflicts with the integration branch in ${failure.files.join(', ')}`;
  if (failure.kind === 'refused') return `git refused to merge it (${failure.reason})`;
  const how = failure.timedOut ? 'timed out' : `exited with ${failure.exitCode ?? 'no code'}`;
  return `check "${failure.check}" (${failure.run}) ${how} on the merged result`;
}

/** The record after a merge that stayed. */
export function recordMerged(record: IntegrationRecord, entry: MergedEntry): IntegrationRecord {
  return {
    ...record,
    tip: entry.mergeCommit,
    merged: [...record.merged.filter((other) => other.worker !== entry.worker || other.tip !== entry.tip), entry],
    failed: record.failed.filter((other) => other.worker !== entry.worker),
    updatedAt: entry.at,
  };
}

/** The record after a merge that was undone. */
export function recordFailed(record: IntegrationRecord, entry: FailedEntry): IntegrationRecord {
  return {
    ...record,
    failed: [...record.failed.filter((other) => other.worker !== entry.worker), entry],
    updatedAt: entry.at,
  };
}

/** The integration branch for status.json: what it holds, what is left out and why, conflicts, pull requests. */
export function integrationStatus(
  record: IntegrationRecord,
  candidates: readonly IntegrationCandidate[],
  pullRequests: Readonly<Record<string, { url: string; state: string }>>,
): IntegrationStatus {
  const plan = planIntegration(candidates, record);
  const merged = new Set(plan.flatMap((step) => (step.kind === 'merged' ? [step.worker] : [])));
  return {
    branch: record.branch,
    ...(record.tip === undefined ? {} : { tip: record.tip }),
    holds: [...merged],
    // Every worker is in holds or leftOut: one ready to merge waits for the next run (a run may have failed).
    leftOut: plan.flatMap((step) =>
      step.kind === 'left_out'
        ? [{ worker: step.worker, reason: step.reason }]
        : step.kind === 'merge'
          ? [{ worker: step.worker, reason: 'ready: waits for the next integration run' }]
          : [],
    ),
    conflicts: record.failed.flatMap((entry) =>
      entry.failure.kind === 'conflict' && !merged.has(entry.worker)
        ? [{ worker: entry.worker, files: entry.failure.files }]
        : [],
    ),
    pullRequests: Object.entries(pullRequests).map(([branch, pr]) => ({ branch, url: pr.url, state: pr.state })),
  };
}
