import { resolveLinks } from '../adapters/file-system.js';
import * as git from '../adapters/git.js';
import { addWorktree, restoreWorktree, worktreeIdentity } from '../adapters/git-worktrees.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import { CzarError } from '../domain/model/errors.js';
import { worktreeIndexStamp } from '../adapters/worktree-index.js';
import { recordMade } from '../fleet/ownership.js';
import type { Fleet } from '../fleet/handle.js';
import type { WorkerPlan } from './plan.js';
import type { LocalPlace } from './place-types.js';

/** A linked worktree of the repository: the place of an unboxed worker on this machine. */
export const worktreePlace: LocalPlace = {
  kind: 'worktree',
  prepare: addOrRestoreWorktree,
  verify: verifyOwnWorktree,
  program: async (_fleet, _worker, agent) => agent,
};

/**
 * Makes a local worker's worktree as its plan says (added or made again) and records what czar made. Returns the
 * stamp of the index of the worktree: git has just checked it out, clean.
 */
async function addOrRestoreWorktree(fleet: Fleet, step: WorkerPlan): Promise<string | undefined> {
  const { worker } = step;
  const { config } = fleet;
  const made = { worker: worker.name, branch: worker.branch, worktree: worker.worktree };
  if (step.worktree === 'recreate') {
    await restoreWorktree(config.repo, worker.worktree, worker.branch);
    await recordMade(fleet.paths, 'worktree', made);
    await fleet.log.emit(
      'worktree_added',
      `worktree ${worker.worktree} on ${worker.branch} made again (its folder was missing)`,
      worker.name,
    );
    return worktreeIndexStamp(worker.worktree);
  }
  // A spawned child's branch is cut from its parent's tip: its work goes back to the parent, not to base.
  const from = config.workers.find((other) => other.name === worker.parent)?.branch ?? config.base;
  const outcome = await addWorktree(
    config.repo,
    worker.worktree,
    worker.branch,
    from,
    step.worktree === 'checkout-branch',
    `worker ${worker.name}`,
  ).catch(async (error: unknown) => {
    // git can fail after making the branch (a full disk): the plan saw no such branch, so czar made it.
    if (step.worktree === 'create-branch' && (await git.branchExists(config.repo, worker.branch)))
      await recordMade(fleet.paths, 'branch', made);
    throw error;
  });
  if (outcome === 'created') await recordMade(fleet.paths, 'branch', made);
  await recordMade(fleet.paths, 'worktree', made);
  await fleet.log.emit(
    'worktree_added',
    `worktree ${worker.worktree} on ${worker.branch}${outcome === 'created' ? ` (new, from ${from})` : ' (existing branch)'}`,
    worker.name,
  );
  return worktreeIndexStamp(worker.worktree);
}

const commonDirs = new Map<string, Promise<string>>();

/** The repository's shared `.git`, asked once per process: it is the same for every worker of a launch. */
function repoCommonDir(repo: string): Promise<string> {
  let dir = commonDirs.get(repo);
  if (dir === undefined) {
    dir = git.commonDir(repo).then((found) => resolveLinks(found).catch(() => found));
    commonDirs.set(repo, dir);
    // A failed look is not remembered: the next start asks git again.
    dir.catch(() => commonDirs.delete(repo));
  }
  return dir;
}

/** Throws a sentence saying what is wrong with the worker's worktree and how to set it right. */
export async function verifyOwnWorktree(fleet: Fleet, worker: WorkerSpec): Promise<void> {
  const { config } = fleet;
  const where = `worker "${worker.name}" was not started`;
  const identity = await worktreeIdentity(worker.worktree);
  if (identity === undefined) {
    throw new CzarError(
      'worktree_missing',
      `The worktree ${worker.worktree} is missing or not a git worktree, so ${where}; run "czar up" to make it again.`,
    );
  }
  const [top, own, commonDir, repoCommon] = await Promise.all([
    resolveLinks(identity.top).catch(() => identity.top),
    resolveLinks(worker.worktree).catch(() => worker.worktree),
    resolveLinks(identity.commonDir).catch(() => identity.commonDir),
    repoCommonDir(config.repo),
  ]);
  if (top !== own || commonDir !== repoCommon) {
    throw new CzarError(
      'worktree_foreign',
      `${worker.worktree} is not a worktree of ${config.repo} (git sees ${identity.top}), so ${where}; move that folder away and run "czar up" to make the worktree.`,
    );
  }
  if (identity.branch !== worker.branch) {
    const on = identity.branch === undefined ? 'a detached HEAD' : `branch "${identity.branch}"`;
    throw new CzarError(
      'worktree_wrong_branch',
      `The worktree ${worker.worktree} is on ${on}, not "${worker.branch}", so ${where}; check out "${worker.branch}" there and run "czar up" again.`,
    );
  }
}
