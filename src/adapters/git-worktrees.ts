import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { CzarError } from '../domain/model/errors.js';
import { branchExists, cutBranch, git, out, topLevel } from './git.js';

/** What a folder is to git: its work tree's top level, the repository's shared `.git`, and the branch checked out. */
export interface WorktreeIdentity {
  readonly top: string;
  readonly commonDir: string;
  /** Short branch name, undefined when detached. */
  readonly branch: string | undefined;
}

/**
 * Undefined when `dir` is missing or not inside a git work tree. HEAD is read as a symbolic ref, not resolved: a
 * worktree whose branch was deleted from outside still names that branch (with nothing at its tip), and stays that
 * branch's worktree for czar to say so.
 */
export async function worktreeIdentity(dir: string): Promise<WorktreeIdentity | undefined> {
  const [places, head] = await Promise.all([
    git(dir, ['rev-parse', '--show-toplevel', '--git-common-dir'], { allowFailure: true }).catch(() => undefined),
    git(dir, ['symbolic-ref', '--quiet', 'HEAD'], { allowFailure: true }).catch(() => undefined),
  ]);
  if (places === undefined || places.exitCode !== 0) return undefined;
  const [top = '', common = ''] = places.stdout.trim().split('\n');
  const ref = head?.exitCode === 0 ? head.stdout.trim() : '';
  return {
    top,
    commonDir: path.resolve(dir, common),
    branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined,
  };
}

export interface WorktreeEntry {
  readonly path: string;
  readonly head: string | undefined;
  /** Short branch name, undefined when detached. */
  readonly branch: string | undefined;
}

export async function listWorktrees(repo: string): Promise<WorktreeEntry[]> {
  const text = await whileOthersHalfMade(() => out(repo, ['worktree', 'list', '--porcelain']));
  const entries: WorktreeEntry[] = [];
  for (const block of text.split('\n\n')) {
    const fields = new Map(
      block.split('\n').map((line) => {
        const space = line.indexOf(' ');
        return space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)];
      }),
    );
    const worktreePath = fields.get('worktree');
    if (worktreePath === undefined) continue;
    const ref = fields.get('branch');
    entries.push({ path: worktreePath, head: fields.get('HEAD'), branch: ref?.replace(/^refs\/heads\//, '') });
  }
  return entries;
}

/**
 * Runs a git command that reads every worktree's admin folder: git 2.39 fails it (exit 128, "failed to read
 * .git/worktrees/<other>/commondir") while another `worktree add` is half-way, as a parallel add or a person's add
 * beside the czar's look (measured 7 failures in 60 parallel adds here). Such a failure changes nothing, so the
 * command runs again after a short random pause; `attempt` counts from 1.
 */
async function whileOthersHalfMade<T>(run: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      const racing =
        error instanceof CzarError && error.details.some((line) => /failed to read .*worktrees\//.test(line));
      if (!racing || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * attempt));
    }
  }
}

/**
 * Adds a worktree on `branch`, creating the branch from `base` only when it does not exist yet (never reset), with
 * a first reflog entry that says czar made it for `owner` (see `cutBranch`).
 */
export async function addWorktree(
  repo: string,
  worktreePath: string,
  branch: string,
  base: string,
  knownToExist?: boolean,
  owner = 'a worker',
): Promise<'created' | 'reused-branch'> {
  await mkdir(path.dirname(worktreePath), { recursive: true });
  // The caller may know already (the launch plan looked): one git process fewer per worker at launch.
  const existed = knownToExist ?? (await branchExists(repo, branch));
  return whileOthersHalfMade(async (attempt) => {
    // An add that lost a race with another one may have made the branch before it failed: that branch is czar's.
    if (existed || (attempt > 1 && (await branchExists(repo, branch)))) {
      await git(repo, ['worktree', 'add', worktreePath, branch]);
      return existed ? 'reused-branch' : 'created';
    }
    await cutBranch(repo, branch, base, owner);
    await git(repo, ['worktree', 'add', worktreePath, branch]);
    return 'created';
  });
}

/**
 * Puts a detached checkout czar owns at `sha`: created on first use, then reused (so installed dependencies and
 * build caches in ignored files survive), reset hard and cleaned of untracked files that the last run left.
 */
export async function detachedCheckout(repo: string, dir: string, sha: string): Promise<void> {
  // The state dir often sits inside the repository: a folder there is "inside a work tree" without being one, and
  // a forced checkout there would hit the person's own checkout. Only a top level that is the folder itself counts.
  const top = await topLevel(dir);
  const own = top !== undefined && (await realpath(top)) === (await realpath(dir));
  if (!own) {
    await mkdir(path.dirname(dir), { recursive: true });
    // A folder left by a removed worktree would make `worktree add` refuse: prune the stale entry first.
    await git(repo, ['worktree', 'prune']);
    await git(repo, ['worktree', 'add', '--detach', '--force', dir, sha]);
    return;
  }
  await git(dir, ['checkout', '--detach', '--force', '--quiet', sha]);
  await git(dir, ['clean', '-ffdq']);
}

/**
 * Makes a worktree folder again where git still has it registered but the folder was deleted by hand. `-f` is what
 * git 2.39 asks for here ("a missing but already registered worktree"); it also lets the branch be checked out,
 * since the only checkout of it is that missing folder (the launch plan has made sure of both).
 */
export async function restoreWorktree(repo: string, worktreePath: string, branch: string): Promise<void> {
  await mkdir(path.dirname(worktreePath), { recursive: true });
  await git(repo, ['worktree', 'add', '-f', worktreePath, branch]);
}

/** Removes a worktree's folder and its registration; `force` also drops its uncommitted changes. */
export async function removeWorktree(repo: string, worktreePath: string, force: boolean): Promise<void> {
  await git(repo, ['worktree', 'remove', ...(force ? ['--force'] : []), worktreePath]);
}
