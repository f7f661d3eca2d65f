import { reapCheckRun } from '../adapters/check-processes.js';
import { acquireLock } from '../adapters/lock-file.js';
import path from 'node:path';
import { readJson, writeJsonAtomic } from '../adapters/state-files.js';
import { branchExists, headRef, isAncestor, predictConflicts, revParse } from '../adapters/git.js';
import {
  advanceBase,
  ensureIntegrationWorktree,
  headIsMergeOf,
  mergeNoFf,
  resetIntegrationWorktree,
} from '../adapters/integration-git.js';
import { CzarError } from '../domain/errors.js';
import { integrationFiles } from '../domain/paths.js';
import {
  emptyRecord,
  failureSummary,
  nextMerge,
  planIntegration,
  recordFailed,
  recordMerged,
  type IntegrationCandidate,
  type IntegrationFailure,
  type IntegrationRecord,
  type PendingMerge,
  type PlanStep,
} from '../domain/integration.js';
import type { CheckSpec } from '../domain/config-types.js';
import type { Fleet } from '../fleet/handle.js';
import { INTEGRATION_OWNER, readOwnership, recordMade } from '../fleet/ownership.js';

/** One check's outcome, as the integration branch needs it. */
export interface CheckOutcome {
  readonly name: string;
  readonly run: string;
  readonly ok: boolean;
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  readonly tail: string;
}

/** Runs the integration checks in a checkout, in order, stopping at the first failure; the run is recorded in `runFile`. */
export type RunChecks = (
  checks: readonly CheckSpec[],
  cwd: string,
  logDir: string,
  runFile: string,
) => Promise<CheckOutcome[]>;

/** Where czar keeps its integration worktree, record, lock and check logs. */
export function integrationPaths(fleet: Fleet): ReturnType<typeof integrationFiles> {
  return integrationFiles(fleet.paths);
}

export async function readIntegrationRecord(fleet: Fleet): Promise<IntegrationRecord | undefined> {
  return readJson<IntegrationRecord>(integrationPaths(fleet).record);
}

/** What one run did, in order: each line is also an event. */
export type RunEvent =
  | { readonly kind: 'merged'; readonly worker: string; readonly commit: string }
  | { readonly kind: 'undone'; readonly worker: string; readonly failure: IntegrationFailure }
  | { readonly kind: 'base_merged'; readonly commit: string }
  | { readonly kind: 'base_conflict'; readonly files: readonly string[] }
  | { readonly kind: 'base_advanced'; readonly from: string; readonly to: string }
  | { readonly kind: 'base_not_advanced'; readonly reason: string };

export interface RunResult {
  readonly record: IntegrationRecord;
  readonly events: readonly RunEvent[];
  /** The plan as it stands after the run (merged, left out and why). */
  readonly plan: readonly PlanStep[];
}

/** What `czar integrate --dry-run` prints: the plan and, per merge, the files git predicts would conflict. */
export interface DryRun {
  /** The integration branch's tip, undefined before its first run (merges are then predicted against base). */
  readonly tip: string | undefined;
  readonly steps: readonly (PlanStep & { readonly predictedConflicts?: readonly string[] })[];
}

/** The tips (of the given candidates) the integration branch already holds. */
export async function mergedTips(
  repo: string,
  branch: string,
  tips: readonly (string | undefined)[],
): Promise<Set<string>> {
  const head = await revParse(repo, headRef(branch));
  const merged = new Set<string>();
  if (head === undefined) return merged;
  for (const tip of tips) if (tip !== undefined && (await isAncestor(repo, tip, head))) merged.add(tip);
  return merged;
}

/** The plan without touching anything: what `czar integrate --dry-run` shows. */
export async function dryRun(fleet: Fleet, candidates: readonly IntegrationCandidate[]): Promise<DryRun> {
  const { config } = fleet;
  const record =
    (await readIntegrationRecord(fleet)) ??
    emptyRecord(config.integration.branch, config.base, new Date().toISOString());
  const tip = await revParse(config.repo, headRef(config.integration.branch));
  const onto = tip ?? (await revParse(config.repo, headRef(config.base)));
  const steps = [];
  for (const step of planIntegration(await candidatesWithTips(fleet, candidates), record)) {
    steps.push(
      step.kind === 'merge' && onto !== undefined
        ? { ...step, predictedConflicts: await predictConflicts(config.repo, onto, step.tip) }
        : step,
    );
  }
  return { tip, steps };
}

/**
 * Merges every finished branch that can go in, one at a time in dependency order, into czar's integration branch,
 * and runs the integration checks on each result. A conflict or a failed check resets the integration branch to its
 * previous tip (czar's own branch; base and workers' branches are never written) and is recorded for a fix-up.
 * One run at a time per state dir, across processes: a lock file the czar and `czar integrate` share.
 * `candidatesNow` is asked again after each merge: a branch may have moved meanwhile.
 */
export async function runIntegration(
  fleet: Fleet,
  candidatesNow: () => Promise<readonly IntegrationCandidate[]>,
  runChecks: RunChecks,
): Promise<RunResult> {
  const paths = integrationPaths(fleet);
  return withLock(paths.lock, async () => {
    const { config } = fleet;
    const { branch } = config.integration;
    const events: RunEvent[] = [];
    const now = (): string => new Date().toISOString();
    const saved = await readIntegrationRecord(fleet);
    // czar merges only into a branch it created: an existing branch of that name that czar has no record of is
    // someone's work. The ownership line is written before the branch is made, so a run cut off in between leaves
    // a branch czar still knows as its own (the next run uses it, `down --purge` removes it).
    const recorded = (await readOwnership(fleet.paths)).branches.get(branch)?.worker === INTEGRATION_OWNER;
    const exists = await branchExists(config.repo, branch);
    if (exists && saved?.branch !== branch && !recorded) {
      throw new CzarError(
        'integration_branch_taken',
        `Branch ${branch} already exists and czar did not create it; set integration.branch in ${config.file} to a new name (czar never merges into a branch it did not create).`,
      );
    }
    if (!exists && !recorded)
      await recordMade(fleet.paths, 'branch', { worker: INTEGRATION_OWNER, branch, worktree: paths.worktree });
    let record = saved?.branch === branch ? saved : emptyRecord(branch, config.base, now());
    // A check a killed czar left running in the worktree goes before the worktree is reset under it.
    await reapCheckRun(paths.checkRun);
    await ensureIntegrationWorktree(config.repo, paths.worktree, branch, config.base);
    await resetIntegrationWorktree(paths.worktree);
    const save = async (): Promise<void> => {
      record = { ...record, tip: await revParse(paths.worktree, 'HEAD'), updatedAt: now() };
      await writeJsonAtomic(paths.record, record);
    };
    if (record.pending !== undefined) await undoUnjudged(fleet, paths.worktree, record.pending);
    // Each merge is written down before it is made, so the record never holds less than the branch.
    const intend = async (pending: PendingMerge | undefined): Promise<void> => {
      record = { ...record, pending };
      await save();
    };
    await intend(undefined);

    const green = await takeBase(fleet, paths, events, runChecks, intend);
    await intend(undefined);
    if (!green) {
      record = {
        ...record,
        baseConflict: {
          base: config.base,
          files: events.flatMap((event) => (event.kind === 'base_conflict' ? event.files : [])),
          at: now(),
        },
      };
      await save();
      return { record, events, plan: planIntegration(await candidatesWithTips(fleet, await candidatesNow()), record) };
    }
    record = { ...record, baseConflict: undefined };

    for (;;) {
      const candidates = await candidatesWithTips(fleet, await candidatesNow());
      const step = nextMerge(candidates, record);
      if (step === undefined) break;
      const before = await revParse(paths.worktree, 'HEAD');
      if (before === undefined)
        throw new CzarError(
          'git_failed',
          `The integration worktree ${paths.worktree} has no HEAD; remove it and run "czar integrate" again.`,
        );
      await intend({ worker: step.worker, branch: step.branch, tip: step.tip, onto: before, at: now() });
      const merge = await mergeNoFf(paths.worktree, step.tip, `czar: integrate ${step.worker} (${step.branch})`);
      const failure: IntegrationFailure | undefined = merge.ok
        ? checkFailure(
            await runChecks(
              config.integration.checks,
              paths.worktree,
              path.join(paths.logs, step.worker),
              paths.checkRun,
            ),
          )
        : merge.refused === undefined
          ? { kind: 'conflict', files: merge.conflicts }
          : { kind: 'refused', reason: merge.refused };
      if (!merge.ok || failure !== undefined) {
        const undone = failure ?? { kind: 'conflict', files: [] };
        await resetIntegrationWorktree(paths.worktree, before);
        record = recordFailed(record, {
          worker: step.worker,
          branch: step.branch,
          tip: step.tip,
          onto: before,
          failure: undone,
          at: now(),
        });
        events.push({ kind: 'undone', worker: step.worker, failure: undone });
        await fleet.log.emit(
          'integration_undone',
          `${step.branch} at ${step.tip.slice(0, 10)} ${failureSummary(undone)}; the merge was undone`,
          step.worker,
          { tip: step.tip, failure: undone.kind },
        );
      } else {
        record = recordMerged(record, {
          worker: step.worker,
          branch: step.branch,
          tip: step.tip,
          mergeCommit: merge.commit,
          at: now(),
        });
        events.push({ kind: 'merged', worker: step.worker, commit: merge.commit });
        await fleet.log.emit(
          'integrated',
          `merged ${step.branch} at ${step.tip.slice(0, 10)} into ${branch}; checks green`,
          step.worker,
          { tip: step.tip, commit: merge.commit },
        );
      }
      await intend(undefined);
    }

    if (config.integration.advanceBase) await advance(fleet, paths, record, events);
    for (const event of events)
      if (event.kind === 'base_advanced')
        record = { ...record, advancedBase: { from: event.from, to: event.to, at: now() } };
    await save();
    return { record, events, plan: planIntegration(await candidatesWithTips(fleet, await candidatesNow()), record) };
  });
}

function checkFailure(outcomes: readonly CheckOutcome[]): IntegrationFailure | undefined {
  const failed = outcomes.find((outcome) => !outcome.ok);
  return failed === undefined
    ? undefined
    : {
        kind: 'check',
        check: failed.name,
        run: failed.run,
        exitCode: failed.exitCode,
        timedOut: failed.timedOut,
        tail: failed.tail,
      };
}

/** The candidates with `merged` answered by git against the integration branch as it is now. */
export async function candidatesWithTips(
  fleet: Fleet,
  candidates: readonly IntegrationCandidate[],
): Promise<IntegrationCandidate[]> {
  const merged = await mergedTips(
    fleet.config.repo,
    fleet.config.integration.branch,
    candidates.map((candidate) => candidate.tip),
  );
  return candidates.map((candidate) => ({
    ...candidate,
    merged: candidate.tip !== undefined && merged.has(candidate.tip),
  }));
}

/**
 * Base moved (someone merged upstream): it is merged into the integration branch first and checked, so what goes in
 * next is tested against the base it will land on. False when base does not merge or its merge fails the checks.
 */
async function takeBase(
  fleet: Fleet,
  paths: ReturnType<typeof integrationPaths>,
  events: RunEvent[],
  runChecks: RunChecks,
  intend: (pending: PendingMerge | undefined) => Promise<void>,
): Promise<boolean> {
  const { config } = fleet;
  const baseTip = await revParse(config.repo, headRef(config.base));
  if (baseTip === undefined || (await isAncestor(paths.worktree, baseTip, 'HEAD'))) return true;
  const before = await revParse(paths.worktree, 'HEAD');
  if (before !== undefined)
    await intend({ branch: config.base, tip: baseTip, onto: before, at: new Date().toISOString() });
  const merge = await mergeNoFf(paths.worktree, baseTip, `czar: take ${config.base} into ${config.integration.branch}`);
  if (!merge.ok) {
    events.push({ kind: 'base_conflict', files: merge.conflicts });
    await fleet.log.emit(
      'integration_base_conflict',
      `${config.base} moved and no longer merges into ${config.integration.branch} (${merge.conflicts.join(', ')}); a person must resolve this`,
    );
    return false;
  }
  const failed = checkFailure(
    await runChecks(config.integration.checks, paths.worktree, path.join(paths.logs, 'base'), paths.checkRun),
  );
  if (failed !== undefined && before !== undefined) {
    await resetIntegrationWorktree(paths.worktree, before);
    events.push({ kind: 'base_conflict', files: [] });
    await fleet.log.emit(
      'integration_base_conflict',
      `${config.base} moved and ${failureSummary(failed)} of ${config.integration.branch}; a person must look`,
    );
    return false;
  }
  events.push({ kind: 'base_merged', commit: merge.commit });
  await fleet.log.emit('integration_base', `${config.base} moved; merged it into ${config.integration.branch}`);
  return true;
}

/**
 * A czar died between writing a merge down and judging it: when the branch holds exactly that merge, it is undone
 * (czar's own unjudged commit on czar's own branch), and the plan merges and checks it again. A branch moved any
 * other way since is taken as it is, and the event log says so.
 */
async function undoUnjudged(fleet: Fleet, worktree: string, pending: PendingMerge): Promise<void> {
  const { branch } = fleet.config.integration;
  const head = await revParse(worktree, 'HEAD');
  if (head === pending.onto) return;
  const what = `${pending.branch} at ${pending.tip.slice(0, 10)}`;
  if (await headIsMergeOf(worktree, pending.onto, pending.tip)) {
    await resetIntegrationWorktree(worktree, pending.onto);
    await fleet.log.emit(
      'integration_undone',
      `a czar stopped while it checked its merge of ${what} into ${branch}; that merge was undone and is tried again`,
      pending.worker,
      { tip: pending.tip },
    );
    return;
  }
  await fleet.log.emit(
    'integration_error',
    `a czar stopped while it merged ${what} into ${branch}, and ${branch} has moved since (now ${head?.slice(0, 10) ?? 'gone'}); czar takes it as it is, so look at it with "git log ${branch}"`,
    pending.worker,
  );
}

/**
 * Fast-forwards base to the green integration tip with a compare-and-swap. If base moved meanwhile it is left alone:
 * the next run merges the new base and checks again before trying once more.
 */
async function advance(
  fleet: Fleet,
  paths: ReturnType<typeof integrationPaths>,
  record: IntegrationRecord,
  events: RunEvent[],
): Promise<void> {
  const { config } = fleet;
  const tip = await revParse(paths.worktree, 'HEAD');
  const baseTip = await revParse(config.repo, headRef(config.base));
  if (tip === undefined || baseTip === undefined || tip === baseTip || record.merged.length === 0) return;
  if (!(await isAncestor(config.repo, baseTip, tip))) {
    events.push({ kind: 'base_not_advanced', reason: `${config.base} moved since the integration branch took it` });
    return;
  }
  const outcome = await advanceBase(config.repo, config.base, baseTip, tip);
  switch (outcome.kind) {
    case 'advanced':
      events.push({ kind: 'base_advanced', from: baseTip, to: tip });
      await fleet.log.emit(
        'base_advanced',
        `fast-forwarded ${config.base} from ${baseTip.slice(0, 10)} to the green integration tip ${tip.slice(0, 10)}`,
      );
      return;
    case 'moved':
      events.push({
        kind: 'base_not_advanced',
        reason: `${config.base} moved meanwhile (now ${outcome.now?.slice(0, 10) ?? 'gone'}); integrating again first`,
      });
      await fleet.log.emit(
        'base_not_advanced',
        `${config.base} moved while czar checked the integration branch; it will be merged and checked again`,
      );
      return;
    case 'checked_out_dirty':
      events.push({
        kind: 'base_not_advanced',
        reason: `${config.base} is checked out with uncommitted changes in ${outcome.worktree}`,
      });
      await fleet.log.emit(
        'base_not_advanced',
        `${config.base} is checked out with uncommitted changes in ${outcome.worktree}; fast-forward it there with "git merge --ff-only ${config.integration.branch}"`,
      );
      return;
  }
}

/**
 * Runs `work` holding the lock file: in this process the runs queue up; another process (the czar or a second
 * `czar integrate`) holding it makes this one fail at once with what to do. A lock whose process is gone is taken over.
 */
const chains = new Map<string, Promise<unknown>>();

async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  const previous = chains.get(lock) ?? Promise.resolve();
  const next = previous.then(async () => {
    const release = await acquireLock(lock, {
      timeoutMs: 0,
      heldError: (holder) =>
        new CzarError(
          'integration_locked',
          `Another czar process (pid ${holder.pid}) is integrating right now (lock ${lock}); wait for it to finish and run "czar integrate" again.`,
        ),
    });
    try {
      return await work();
    } finally {
      await release();
    }
  });
  chains.set(
    lock,
    next.catch(() => undefined),
  );
  return next;
}
