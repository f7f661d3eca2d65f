import { rm } from 'node:fs/promises';
import * as git from '../adapters/git.js';
import { CzarError } from '../domain/errors.js';
import { launchRecordFile, samePath } from '../domain/paths.js';
import type { Fleet } from './fleet.js';
import { readOwnership, recordRemoved, type Made } from './ownership.js';

export interface PurgeOutcome {
  /** One line per worker something was removed for. */
  readonly purged: readonly string[];
  /** Branches and worktrees left alone because czar did not make them. */
  readonly kept: readonly string[];
  /** Work that would be lost, one line per worker; nothing of that worker was removed. */
  readonly refused: readonly string[];
}

/**
 * Removes the worktrees and branches czar made (as recorded at launch), for every worker it made them for, also
 * workers since dropped from the config. A worker's work is judged first, against base: with uncommitted changes
 * or commits base lacks, nothing of that worker is removed unless `force`.
 */
export async function purgeFleet(fleet: Fleet, force: boolean): Promise<PurgeOutcome> {
  const { config, paths } = fleet;
  const ownership = await readOwnership(paths);
  const registered = await git.listWorktrees(config.repo);
  const baseExists = (await git.revParse(config.repo, config.base)) !== undefined;
  const byWorker = new Map<string, { worktree?: Made; branch?: Made }>();
  for (const made of ownership.worktrees.values()) byWorker.set(made.worker, { ...byWorker.get(made.worker), worktree: made });
  for (const made of ownership.branches.values()) byWorker.set(made.worker, { ...byWorker.get(made.worker), branch: made });

  const kept: string[] = [];
  for (const worker of config.workers) {
    if (!ownership.branches.has(worker.branch) && (await git.branchExists(config.repo, worker.branch))) {
      kept.push(`kept branch ${worker.branch} of ${worker.name}: czar did not create it`);
    }
  }
  const purged: string[] = [];
  const refused: string[] = [];
  for (const [name, { worktree, branch }] of byWorker) {
    const worktreeThere = worktree !== undefined && registered.some((entry) => samePath(entry.path, worktree.worktree));
    const branchThere = branch !== undefined && branch.branch !== config.base && (await git.branchExists(config.repo, branch.branch));
    if (!force) {
      const problems: string[] = [];
      const dirty = worktreeThere ? await git.dirtyPaths(worktree.worktree) : [];
      if (dirty.length > 0) problems.push(`${name}: ${dirty.length} uncommitted change(s) in ${worktree?.worktree ?? ''}`);
      const ahead = branchThere && baseExists ? await git.commitsNotIn(config.repo, config.base, branch.branch) : 0;
      if (ahead > 0) problems.push(`${name}: branch ${branch?.branch ?? ''} has ${ahead} commit(s) not in base "${config.base}"`);
      if (problems.length > 0) {
        refused.push(...problems);
        continue;
      }
    }
    const removed: string[] = [];
    try {
      if (worktree !== undefined) {
        if (worktreeThere) {
          await git.removeWorktree(config.repo, worktree.worktree, force);
          removed.push(`worktree ${worktree.worktree}`);
        }
        await recordRemoved(paths, 'worktree', worktree);
      }
      if (branch !== undefined) {
        if (branchThere) {
          await git.deleteBranch(config.repo, branch.branch);
          removed.push(`branch ${branch.branch}`);
        }
        await recordRemoved(paths, 'branch', branch);
      }
    } catch (error) {
      refused.push(`${name}: ${error instanceof CzarError ? error.message : String(error)}`);
      continue;
    }
    await rm(launchRecordFile(paths, name), { force: true });
    if (removed.length > 0) purged.push(`purged ${name}: removed ${removed.join(' and ')}`);
  }
  return { purged, kept, refused };
}
