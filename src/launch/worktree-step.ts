import * as git from '../adapters/git.js';
import { addWorktree, restoreWorktree } from '../adapters/git-worktrees.js';
import { worktreeIndexStamp } from '../adapters/worktree-index.js';
import { recordMade } from '../fleet/ownership.js';
import type { Fleet } from '../fleet/handle.js';
import type { WorkerPlan } from './plan.js';

/**
 * Makes a local worker's worktree as its plan says (added, made again, or reused as it is) and records what czar
 * made. A host's worktree is made on the host, with its agent. Returns the stamp of the index of a worktree made
 * here: git has just checked it out, clean.
 */
export async function prepareWorktree(fleet: Fleet, step: WorkerPlan): Promise<string | undefined> {
  const { worker } = step;
  const { config } = fleet;
  if (worker.host !== undefined || step.worktree === 'reuse') return undefined;
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
