import path from 'node:path';
import { headRef, isAncestor, revParse } from '../adapters/git.js';
import { advanceBase, mergeNoFf, resetIntegrationWorktree } from '../adapters/integration-git.js';
import { failureSummary, type IntegrationRecord, type PendingMerge } from '../domain/policy/integration-plan.js';
import type { Fleet } from '../fleet/handle.js';
import type { integrationPaths } from './candidates.js';
import { checkFailure, type RunChecks, type RunEvent } from './run-results.js';

/**
 * Base moved (someone merged upstream): it is merged into the integration branch first and checked, so what goes in
 * next is tested against the base it will land on. False when base does not merge or its merge fails the checks.
 */
export async function takeBase(
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
 * Fast-forwards base to the green integration tip with a compare-and-swap. If base moved meanwhile it is left alone:
 * the next run merges the new base and checks again before trying once more.
 */
export async function advance(
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
