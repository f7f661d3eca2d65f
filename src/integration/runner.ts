import { reapRun } from '../adapters/check-processes.js';
import path from 'node:path';
import { writeJsonAtomic } from '../adapters/state-files.js';
import { branchExists, revParse } from '../adapters/git.js';
import {
  ensureIntegrationWorktree,
  headIsMergeOf,
  mergeNoFf,
  resetIntegrationWorktree,
} from '../adapters/integration-git.js';
import { CzarError } from '../domain/model/errors.js';
import {
  emptyRecord,
  failureSummary,
  nextMerge,
  planIntegration,
  recordFailed,
  recordMerged,
  type IntegrationCandidate,
  type IntegrationFailure,
  type PendingMerge,
} from '../domain/policy/integration-plan.js';
import type { Fleet } from '../fleet/handle.js';
import { INTEGRATION_OWNER, readOwnership, recordMade } from '../fleet/ownership.js';
import { advance, takeBase } from './base-branch.js';
import { candidatesWithTips, integrationPaths, readIntegrationRecord } from './candidates.js';
import { withLock } from './run-lock.js';
import { checkFailure, type RunChecks, type RunEvent, type RunResult } from './run-results.js';

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
    await reapRun(paths.checkRun);
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
