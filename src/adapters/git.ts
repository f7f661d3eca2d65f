import { constants, existsSync, readFileSync } from 'node:fs';
import { access, appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { StatusResult } from 'simple-git';
import { CzarError } from '../domain/model/errors.js';
import { client } from './git-client.js';
import { czarError, exitOf } from './git-errors.js';
import type { RunResult } from './process.js';

/**
 * One git command with an argument array, for the verbs simple-git has no parser for (worktree, merge-tree,
 * for-each-ref...). With `allowFailure`, a non-zero exit comes back as `exitCode` instead of an error.
 */
export async function git(
  cwd: string,
  args: readonly string[],
  options: { allowFailure?: boolean } = {},
): Promise<RunResult> {
  try {
    const stdout = await client(cwd).raw([...args]);
    return { stdout, stderr: '', exitCode: 0 };
  } catch (error) {
    const exit = exitOf(error);
    if (exit !== undefined && options.allowFailure === true)
      return { stdout: exit.stdout, stderr: exit.stderr, exitCode: exit.exitCode };
    throw czarError(args, error);
  }
}

async function ok(cwd: string, args: readonly string[]): Promise<boolean> {
  return (await git(cwd, args, { allowFailure: true })).exitCode === 0;
}

/** The trimmed output of a git command that must succeed. */
export async function out(cwd: string, args: readonly string[]): Promise<string> {
  return (await git(cwd, args)).stdout.trim();
}

export async function gitVersion(): Promise<string> {
  return out(process.cwd(), ['--version']);
}

/** The repository's top level for a folder, or undefined when the folder is not in a git work tree. */
export async function topLevel(dir: string): Promise<string | undefined> {
  const result = await git(dir, ['rev-parse', '--show-toplevel'], { allowFailure: true }).catch(() => undefined);
  return result !== undefined && result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** Whether `dir` is (inside) a bare repository: git, but no working tree to put worktrees beside. */
export async function isBareRepository(dir: string): Promise<boolean> {
  const result = await git(dir, ['rev-parse', '--is-bare-repository'], { allowFailure: true }).catch(() => undefined);
  return result?.exitCode === 0 && result.stdout.trim() === 'true';
}

export async function currentBranch(repo: string): Promise<string | undefined> {
  const result = await git(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/**
 * A branch's full ref name. Every range, count and merge names branches this way: git reads a short name as a tag
 * (or `refs/<name>`, or a remote) before the branch, so `main..v1` with a tag `v1` counts against the tag.
 */
export function headRef(branch: string): string {
  return `refs/heads/${branch}`;
}

export async function branchExists(repo: string, branch: string): Promise<boolean> {
  return ok(repo, ['show-ref', '--verify', '--quiet', headRef(branch)]);
}

export async function revParse(repo: string, ref: string): Promise<string | undefined> {
  const result = await git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** Whether commit `ancestor` is reachable from `descendant`. */
export async function isAncestor(repo: string, ancestor: string, descendant: string): Promise<boolean> {
  return ok(repo, ['merge-base', '--is-ancestor', ancestor, descendant]);
}

/** Whether git accepts `name` as a branch name (`git check-ref-format --branch`). */
export async function isValidBranchName(cwd: string, name: string): Promise<boolean> {
  return ok(cwd, ['check-ref-format', '--branch', name]);
}

/** Commits on `base` that its upstream has and it lacks; undefined when base has no upstream. */
export async function behindUpstream(repo: string, base: string): Promise<number | undefined> {
  const result = await git(repo, ['rev-list', '--count', `${headRef(base)}..${headRef(base)}@{upstream}`], {
    allowFailure: true,
  });
  return result.exitCode === 0 ? Number(result.stdout.trim()) : undefined;
}

/** Brings `base` up to date with its upstream (fast-forward only; never rewrites local work). */
export async function fetchBase(repo: string, base: string): Promise<void> {
  const upstream = (
    await git(repo, ['rev-parse', '--abbrev-ref', `${base}@{upstream}`], { allowFailure: true })
  ).stdout.trim();
  if (upstream === '') {
    throw new CzarError(
      'no_upstream',
      `--fetch was given but base branch "${base}" has no upstream; set one with "git branch --set-upstream-to" or drop --fetch.`,
    );
  }
  const remote = upstream.split('/')[0] ?? 'origin';
  await client(repo)
    .fetch(remote)
    .catch((error: unknown) => {
      throw czarError(['fetch', remote], error);
    });
  const checkedOut = await currentBranch(repo);
  if (checkedOut !== base) {
    await git(repo, ['fetch', '.', `${upstream}:${base}`]);
    return;
  }
  const merged = await client(repo)
    .merge(['--ff-only', `${base}@{upstream}`])
    .catch((error: unknown) => {
      throw new CzarError(
        'fetch_failed',
        `Fast-forwarding "${base}" to ${upstream} failed (${exitOf(error)?.message ?? String(error)}); the local base has commits of its own, so merge or rebase it by hand and run the command again.`,
        { cause: error },
      );
    });
  if (merged.failed) {
    throw new CzarError(
      'fetch_failed',
      `Fast-forwarding "${base}" to ${upstream} left conflicts in ${merged.conflicts.map((conflict) => conflict.file ?? '?').join(', ')}; resolve them in ${repo} and run the command again.`,
    );
  }
}

/** `git status` of a worktree, each untracked file listed; undefined when there is none (a worker not launched yet). */
export async function worktreeStatus(worktree: string): Promise<StatusResult | undefined> {
  if (!existsSync(worktree)) return undefined;
  return client(worktree)
    .status(['--untracked-files=all'])
    .catch(() => undefined);
}

/** Uncommitted files of a worktree; a rename lists its new path (`from` holds the old one), as `git status` shows it. */
export async function dirtyPaths(worktree: string): Promise<string[]> {
  return (await worktreeStatus(worktree))?.files.map((file) => file.path) ?? [];
}

/** Commits on `branch` that `base` does not have: what deleting the branch would lose unless it is merged. */
export async function commitsNotIn(repo: string, base: string, branch: string): Promise<number> {
  return Number(await out(repo, ['rev-list', '--count', `${headRef(base)}..${headRef(branch)}`]));
}

/** Deletes a branch whatever it holds: callers judge "merged" themselves, against base, not against HEAD. */
export async function deleteBranch(repo: string, branch: string): Promise<void> {
  await git(repo, ['branch', '-D', branch]);
}

/** Full names of every ref that is not a local branch (tags, remotes, notes...): what a branch name may clash with. */
export async function otherRefs(repo: string): Promise<Set<string>> {
  const text = await out(repo, ['for-each-ref', '--format=%(refname)']);
  return new Set(text.split('\n').filter((ref) => ref !== '' && !ref.startsWith('refs/heads/')));
}

/**
 * The tips of local branches that `commit` does (`merged`) or does not (`no-merged`) contain, in one call: a
 * question about every branch at once costs one process, where `merge-base --is-ancestor` costs one per branch.
 */
export async function branchTipsBy(repo: string, filter: 'merged' | 'no-merged', commit: string): Promise<Set<string>> {
  const text = await out(repo, ['for-each-ref', 'refs/heads', `--${filter}=${commit}`, '--format=%(objectname)']);
  return new Set(text.split('\n').filter((sha) => sha !== ''));
}

/** Tip commit of every local branch, in one call: the cheap way to see which branches moved. */
export async function branchTips(repo: string): Promise<Map<string, string>> {
  // lstrip, not short: git shortens a branch that a tag shares its name with to "heads/<name>".
  const text = await out(repo, ['for-each-ref', 'refs/heads', '--format=%(refname:lstrip=2)%09%(objectname)']);
  return new Map(
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split('\t') as [string, string]),
  );
}

/**
 * Where `branch` points, from its loose ref file in the repository's common git folder, without starting git. git
 * writes a loose ref through a lock file it renames into place, so the file holds a whole id; undefined when the ref is
 * packed or cannot be read (ask git then). One blocking read of 41 bytes: a done report's pass reads it, and a read
 * through the thread pool is four steps that each wait for the czar's loop.
 */
export function looseRefTip(gitDir: string, branch: string): string | undefined {
  let text: string | undefined;
  try {
    text = readFileSync(path.join(gitDir, 'refs', 'heads', ...branch.split('/')), 'utf8');
  } catch {
    text = undefined;
  }
  const id = text?.trim();
  return id !== undefined && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(id) ? id : undefined;
}

/** The patch of `from...to` (what `to` changed since it forked), plain: no colour, no external diff driver. */
export async function forkDiff(repo: string, from: string, to: string): Promise<string> {
  return (await git(repo, ['diff', '--no-color', '--no-ext-diff', `${from}...${to}`])).stdout;
}

/** Files that differ between two commits (empty when either is gone). */
export async function changedBetween(repo: string, from: string, to: string): Promise<string[]> {
  const result = await git(repo, ['diff', '--name-only', '-z', from, to], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.split('\0').filter((file) => file !== '') : [];
}

/** The shared `.git` folder of a repository (where refs and `info/exclude` live for every worktree). */
export async function commonDir(repo: string): Promise<string> {
  return path.resolve(repo, await out(repo, ['rev-parse', '--git-common-dir']));
}

/**
 * Whether git runs the repository's `name` hook (core.hooksPath counts): a post-checkout hook may change the files
 * of a worktree git has just checked out.
 */
export async function hookRuns(repo: string, name: string): Promise<boolean> {
  const hook = path.resolve(repo, await out(repo, ['rev-parse', '--git-path', `hooks/${name}`]));
  return access(hook, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** Adds a pattern to `.git/info/exclude` once, so czar's own files never show up as changes in any worktree. */
export async function excludePattern(repo: string, pattern: string): Promise<void> {
  const file = path.join(await commonDir(repo), 'info', 'exclude');
  const current = await readFile(file, 'utf8').catch(() => '');
  if (current.split('\n').includes(pattern)) return;
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${current === '' || current.endsWith('\n') ? '' : '\n'}${pattern}\n`);
}

/** The start of the first reflog entry of every branch czar cuts: what `down --purge` checks before it deletes one. */
export const CUT_BY_CZAR = 'czar: created for';

/** Makes `branch` at `base` (or `at`, its commit read already), failing when it exists, with a reflog entry naming czar and who it is for. */
export async function cutBranch(
  repo: string,
  branch: string,
  base: string,
  owner: string,
  at: string = headRef(base),
): Promise<void> {
  await git(repo, ['update-ref', '-m', `${CUT_BY_CZAR} ${owner}`, `refs/heads/${branch}`, at, '']);
}

/** The message of the branch's first reflog entry (how it was made), or undefined when git keeps none. */
export async function firstReflogEntry(repo: string, branch: string): Promise<string | undefined> {
  const result = await git(repo, ['reflog', 'show', '--format=%gs', `refs/heads/${branch}`, '--'], {
    allowFailure: true,
  });
  if (result.exitCode !== 0) return undefined;
  return result.stdout.trimEnd().split('\n').at(-1);
}
