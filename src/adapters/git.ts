import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { StatusResult } from 'simple-git';
import { CzarError } from '../domain/errors.js';
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

async function out(cwd: string, args: readonly string[]): Promise<string> {
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

/** What a folder is to git: its work tree's top level, the repository's shared `.git`, and the branch checked out. */
export interface WorktreeIdentity {
  readonly top: string;
  readonly commonDir: string;
  /** Short branch name, undefined when detached. */
  readonly branch: string | undefined;
}

/** One git call answers all three; undefined when `dir` is missing or not inside a git work tree. */
export async function worktreeIdentity(dir: string): Promise<WorktreeIdentity | undefined> {
  const result = await git(dir, ['rev-parse', '--show-toplevel', '--git-common-dir', '--symbolic-full-name', 'HEAD'], {
    allowFailure: true,
  }).catch(() => undefined);
  if (result === undefined || result.exitCode !== 0) return undefined;
  const [top = '', common = '', head = ''] = result.stdout.trim().split('\n');
  return {
    top,
    commonDir: path.resolve(dir, common),
    branch: head.startsWith('refs/heads/') ? head.slice('refs/heads/'.length) : undefined,
  };
}

export interface WorktreeEntry {
  readonly path: string;
  readonly head: string | undefined;
  /** Short branch name, undefined when detached. */
  readonly branch: string | undefined;
}

export async function listWorktrees(repo: string): Promise<WorktreeEntry[]> {
  const text = await out(repo, ['worktree', 'list', '--porcelain']);
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
 * Adds a worktree on `branch`, creating the branch from `base` only when it does not exist yet (never reset).
 * git 2.39 reads every other worktree's admin folder while adding one, and fails (exit 128, "failed to read
 * .git/worktrees/<other>/commondir") when another add is half-way: measured 7 failures in 60 parallel adds here.
 * Such a failure leaves nothing behind, so it is retried after a short random pause.
 */
export async function addWorktree(
  repo: string,
  worktreePath: string,
  branch: string,
  base: string,
  knownToExist?: boolean,
): Promise<'created' | 'reused-branch'> {
  await mkdir(path.dirname(worktreePath), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      // The caller may know already (the launch plan looked): one git process fewer per worker at launch.
      if (attempt === 1 && knownToExist !== undefined ? knownToExist : await branchExists(repo, branch)) {
        await git(repo, ['worktree', 'add', worktreePath, branch]);
        return 'reused-branch';
      }
      await git(repo, ['worktree', 'add', '-b', branch, worktreePath, headRef(base)]);
      return 'created';
    } catch (error) {
      const racing =
        error instanceof CzarError && error.details.some((line) => /failed to read .*worktrees\//.test(line));
      if (!racing || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * attempt));
    }
  }
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

/** Removes a worktree's folder and its registration; `force` also drops its uncommitted changes. */
export async function removeWorktree(repo: string, worktreePath: string, force: boolean): Promise<void> {
  await git(repo, ['worktree', 'remove', ...(force ? ['--force'] : []), worktreePath]);
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
 * Paths that would conflict when merging two commits, without touching any worktree or the index (git >= 2.38).
 * `-z` keeps odd file names unquoted; exit 1 means conflicts, 0 a clean merge, anything else (no merge base, a
 * missing commit) is no prediction rather than an error.
 */
export async function predictConflicts(repo: string, left: string, right: string): Promise<string[]> {
  const result = await git(repo, ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', left, right], {
    allowFailure: true,
  });
  if (result.exitCode !== 1) return [];
  // The first field is the merged tree; the conflicted paths follow, each once per conflicting stage group.
  return [
    ...new Set(
      result.stdout
        .split('\0')
        .slice(1)
        .filter((file) => file !== ''),
    ),
  ];
}

/** Files changed on `to` since it forked from `from` (`from...to`): what base changed under a branch, say. */
export async function changedSinceFork(repo: string, from: string, to: string): Promise<string[]> {
  const result = await git(repo, ['diff', '--name-only', '-z', `${from}...${to}`], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.split('\0').filter((file) => file !== '') : [];
}

/** The shared `.git` folder of a repository (where refs and `info/exclude` live for every worktree). */
export async function commonDir(repo: string): Promise<string> {
  return path.resolve(repo, await out(repo, ['rev-parse', '--git-common-dir']));
}

/** Adds a pattern to `.git/info/exclude` once, so czar's own files never show up as changes in any worktree. */
export async function excludePattern(repo: string, pattern: string): Promise<void> {
  const file = path.join(await commonDir(repo), 'info', 'exclude');
  const current = await readFile(file, 'utf8').catch(() => '');
  if (current.split('\n').includes(pattern)) return;
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${current === '' || current.endsWith('\n') ? '' : '\n'}${pattern}\n`);
}
