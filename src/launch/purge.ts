import path from 'node:path';
import { commitsOnlyIn } from '../adapters/box-repo.js';
import { pathKind, removeFile, removeTree } from '../adapters/file-system.js';
import * as git from '../adapters/git.js';
import { listWorktrees, removeWorktree } from '../adapters/git-worktrees.js';
import { INTEGRATION_CUT } from '../adapters/integration-git.js';
import { readJson } from '../adapters/state-files.js';
import { boxedRepoPath, doorPath } from '../domain/model/box.js';
import { CzarError } from '../domain/model/errors.js';
import { childRecordFile, integrationFiles, launchRecordFile, samePath } from '../domain/model/paths.js';
import type { Fleet } from '../fleet/handle.js';
import { INTEGRATION_OWNER, readOwnership, recordRemoved, type Made } from '../fleet/ownership.js';

export interface PurgeOutcome {
  /** One line per worker something was removed for. */
  readonly purged: readonly string[];
  /** Branches and worktrees left alone because czar did not make them. */
  readonly kept: readonly string[];
  /** Work that would be lost, one line per worker; nothing of that worker was removed. */
  readonly refused: readonly string[];
}

/**
 * Removes the worktrees, boxed workers' repositories and branches czar made (as recorded at launch), for every worker
 * it made them for, also workers since dropped from the config. A worker's work is judged first, against base: with uncommitted changes
 * or commits base lacks, nothing of that worker is removed unless `force`.
 */
export async function purgeFleet(fleet: Fleet, force: boolean): Promise<PurgeOutcome> {
  const { config, paths } = fleet;
  const ownership = await readOwnership(paths);
  const registered = await listWorktrees(config.repo);
  const baseExists = (await git.revParse(config.repo, git.headRef(config.base))) !== undefined;
  const byWorker = new Map<string, { worktree?: Made; branch?: Made }>();
  for (const made of ownership.worktrees.values())
    byWorker.set(made.worker, { ...byWorker.get(made.worker), worktree: made });
  for (const made of ownership.branches.values())
    byWorker.set(made.worker, { ...byWorker.get(made.worker), branch: made });

  const kept: string[] = [];
  for (const worker of config.workers) {
    if (!ownership.branches.has(worker.branch) && (await git.branchExists(config.repo, worker.branch))) {
      kept.push(`kept branch ${worker.branch} of ${worker.name}: czar did not create it`);
    }
  }
  const purged: string[] = [];
  const refused: string[] = [];
  for (const [name, { worktree, branch }] of byWorker) {
    // The integration branch is purged last, after its worktree (it cannot be deleted while checked out).
    if (name === INTEGRATION_OWNER) continue;
    const worktreeThere = worktree !== undefined && registered.some((entry) => samePath(entry.path, worktree.worktree));
    // A boxed worker's repository of its own: where czar makes one, and a repository of its own there.
    const boxedThere =
      worktree !== undefined &&
      samePath(worktree.worktree, boxedRepoPath(paths.root, name)) &&
      (await pathKind(path.join(worktree.worktree, '.git'))) === 'folder';
    const branchThere =
      branch !== undefined && branch.branch !== config.base && (await git.branchExists(config.repo, branch.branch));
    // Every agent can write the record: each line must agree with the fleet and with git before anything goes.
    const forged = await recordMismatch(
      fleet,
      name,
      branchThere ? branch : undefined,
      worktreeThere ? worktree : undefined,
    );
    if (forged !== undefined) {
      refused.push(`${name}: ${forged}; nothing of ${name} was removed (fix or remove that line of ${paths.created})`);
      continue;
    }
    if (!force) {
      const problems: string[] = [];
      const dirty = worktreeThere || boxedThere ? await git.dirtyPaths(worktree.worktree) : [];
      if (dirty.length > 0)
        problems.push(`${name}: ${dirty.length} uncommitted change(s) in ${worktree?.worktree ?? ''}`);
      const only = boxedThere ? await commitsOnlyIn(config.repo, worktree.worktree) : 0;
      if (only > 0)
        problems.push(`${name}: ${only} commit(s) in ${worktree?.worktree ?? ''} are in no branch of ${config.repo}`);
      const ahead = branchThere && baseExists ? await git.commitsNotIn(config.repo, config.base, branch.branch) : 0;
      if (ahead > 0)
        problems.push(`${name}: branch ${branch?.branch ?? ''} has ${ahead} commit(s) not in base "${config.base}"`);
      if (problems.length > 0) {
        refused.push(...problems);
        continue;
      }
    }
    const removed: string[] = [];
    try {
      if (worktree !== undefined) {
        if (worktreeThere) {
          await removeWorktree(config.repo, worktree.worktree, force);
          removed.push(`worktree ${worktree.worktree}`);
        }
        if (boxedThere) {
          await removeTree(worktree.worktree);
          await removeTree(doorPath(paths.root, name));
          removed.push(`repository ${worktree.worktree}`);
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
    await removeFile(launchRecordFile(paths, name));
    // A spawned child whose worktree and branch are gone must not come back at the next `czar up`.
    await removeFile(childRecordFile(paths, name));
    if (removed.length > 0) purged.push(`purged ${name}: removed ${removed.join(' and ')}`);
  }
  await purgeIntegrationBranch(fleet, force, byWorker.get(INTEGRATION_OWNER)?.branch, { purged, refused });
  if (refused.length === 0) await removeScratchWorktrees(fleet);
  return { purged, kept, refused };
}

/**
 * The integration branch czar made (its record or its ownership line names it) goes like a worker's branch: judged
 * against base first, so a merged result base lacks is kept unless `force`; without it, the next sprint would find a
 * branch it cannot use.
 */
async function purgeIntegrationBranch(
  fleet: Fleet,
  force: boolean,
  made: Made | undefined,
  outcome: { purged: string[]; refused: string[] },
): Promise<void> {
  const { config, paths } = fleet;
  const files = integrationFiles(paths);
  const record = await readJson<{ branch?: string }>(files.record);
  const branch = record?.branch ?? made?.branch;
  if (branch === undefined || branch === config.base) return;
  if (await git.branchExists(config.repo, branch)) {
    const first = await git.firstReflogEntry(config.repo, branch);
    if (first !== `${git.CUT_BY_CZAR} ${INTEGRATION_CUT}`) {
      outcome.refused.push(
        `integration: branch ${branch} ${notCut(first)}, so it was left alone (fix integration.branch or ${paths.created})`,
      );
      return;
    }
    const ahead = force ? 0 : await git.commitsNotIn(config.repo, config.base, branch);
    if (ahead > 0) {
      outcome.refused.push(`integration: branch ${branch} has ${ahead} commit(s) not in base "${config.base}"`);
      return;
    }
    await removeWorktree(config.repo, files.worktree, true).catch(() => undefined);
    await git.deleteBranch(config.repo, branch);
    outcome.purged.push(`purged the integration branch ${branch}`);
  }
  if (made?.branch === branch) await recordRemoved(paths, 'branch', made);
}

/**
 * Why an ownership record of `name` is not to be trusted, or undefined when it agrees: a branch must be the worker's
 * own (as configured or spawned) and say in its first reflog entry that czar cut it for that worker; a worktree must
 * be the worker's own, or, for a worker since dropped from the config, lie under `worktrees:`.
 */
async function recordMismatch(
  fleet: Fleet,
  name: string,
  branch: Made | undefined,
  worktree: Made | undefined,
): Promise<string | undefined> {
  const { config } = fleet;
  const known = config.workers.find((worker) => worker.name === name);
  const recorded = `${fleet.paths.created} says czar made`;
  if (branch !== undefined) {
    if (known !== undefined && known.branch !== branch.branch)
      return `${recorded} branch ${branch.branch} for ${name}, whose branch is ${known.branch}`;
    const first = await git.firstReflogEntry(config.repo, branch.branch);
    if (first !== `${git.CUT_BY_CZAR} worker ${name}`)
      return `${recorded} branch ${branch.branch} for ${name}, but the branch ${notCut(first)}`;
  }
  if (worktree !== undefined) {
    const own =
      known === undefined
        ? inside(config.worktrees, worktree.worktree) ||
          samePath(worktree.worktree, boxedRepoPath(fleet.paths.root, name))
        : samePath(known.worktree, worktree.worktree);
    if (!own)
      return `${recorded} worktree ${worktree.worktree} for ${name}, which is not ${known === undefined ? `under ${config.worktrees}` : `its worktree ${known.worktree}`}`;
  }
  return undefined;
}

/** How a branch whose first reflog entry is not czar's reads in a refusal. */
function notCut(first: string | undefined): string {
  return first === undefined
    ? 'has no reflog to show czar made it'
    : `was made by ${JSON.stringify(first)} according to its first reflog entry, not by czar`;
}

function inside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * czar's own checkouts under the state dir (where checks and the integration run) hold nothing of anyone's: they go
 * with a complete purge, through git so the repository forgets them too.
 */
async function removeScratchWorktrees(fleet: Fleet): Promise<void> {
  const inside = (dir: string): boolean => dir.startsWith(`${fleet.paths.root}${path.sep}`);
  const registered = await listWorktrees(fleet.config.repo);
  for (const entry of registered.filter((candidate) => inside(candidate.path)))
    await removeWorktree(fleet.config.repo, entry.path, true);
}
