import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CzarError } from '../domain/errors.js';
import type { GitActivity } from '../domain/types.js';
import { cleanEnv, run, type RunResult } from './process.js';

/**
 * Every git call czar makes: `--no-optional-locks` (and GIT_OPTIONAL_LOCKS=0) so that watching a worktree never
 * takes `index.lock` from under a worker's own commit or rebase.
 */
export async function git(cwd: string, args: readonly string[], options: { allowFailure?: boolean; input?: string } = {}): Promise<RunResult> {
  return run('git', ['--no-optional-locks', ...args], {
    cwd,
    env: cleanEnv({ GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }),
    ...options,
  });
}

async function ok(cwd: string, args: readonly string[]): Promise<boolean> {
  return (await git(cwd, args, { allowFailure: true })).exitCode === 0;
}

async function out(cwd: string, args: readonly string[]): Promise<string> {
  return (await git(cwd, args)).stdout.trim();
}

export async function gitVersion(): Promise<string> {
  return (await run('git', ['--version'])).stdout.trim();
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

export async function branchExists(repo: string, branch: string): Promise<boolean> {
  return ok(repo, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`]);
}

export async function revParse(repo: string, ref: string): Promise<string | undefined> {
  const result = await git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
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
  const result = await git(dir, ['rev-parse', '--show-toplevel', '--git-common-dir', '--symbolic-full-name', 'HEAD'], { allowFailure: true }).catch(() => undefined);
  if (result === undefined || result.exitCode !== 0) return undefined;
  const [top = '', common = '', head = ''] = result.stdout.trim().split('\n');
  return { top, commonDir: path.resolve(dir, common), branch: head.startsWith('refs/heads/') ? head.slice('refs/heads/'.length) : undefined };
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
    const fields = new Map(block.split('\n').map((line) => {
      const space = line.indexOf(' ');
      return space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)];
    }));
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
export async function addWorktree(repo: string, worktreePath: string, branch: string, base: string, knownToExist?: boolean): Promise<'created' | 'reused-branch'> {
  await mkdir(path.dirname(worktreePath), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      // The caller may know already (the launch plan looked): one git process fewer per worker at launch.
      if (attempt === 1 && knownToExist !== undefined ? knownToExist : await branchExists(repo, branch)) {
        await git(repo, ['worktree', 'add', worktreePath, branch]);
        return 'reused-branch';
      }
      await git(repo, ['worktree', 'add', '-b', branch, worktreePath, base]);
      return 'created';
    } catch (error) {
      const racing = error instanceof CzarError && error.details.some((line) => /failed to read .*worktrees\//.test(line));
      if (!racing || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * attempt));
    }
  }
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
  const result = await git(repo, ['rev-list', '--count', `${base}..${base}@{upstream}`], { allowFailure: true });
  return result.exitCode === 0 ? Number(result.stdout.trim()) : undefined;
}

/** Brings `base` up to date with its upstream (fast-forward only; never rewrites local work). */
export async function fetchBase(repo: string, base: string): Promise<void> {
  const upstream = (await git(repo, ['rev-parse', '--abbrev-ref', `${base}@{upstream}`], { allowFailure: true })).stdout.trim();
  if (upstream === '') {
    throw new CzarError('no_upstream', `--fetch was given but base branch "${base}" has no upstream; set one with "git branch --set-upstream-to" or drop --fetch.`);
  }
  const remote = upstream.split('/')[0] ?? 'origin';
  await git(repo, ['fetch', remote]);
  const checkedOut = await currentBranch(repo);
  if (checkedOut === base) await git(repo, ['merge', '--ff-only', `${base}@{upstream}`]);
  else await git(repo, ['fetch', '.', `${upstream}:${base}`]);
}

/** Whether the main checkout has uncommitted changes (they do not block a launch; workers start from base). */
export async function hasUncommittedChanges(worktree: string): Promise<boolean> {
  return (await dirtyPaths(worktree)).length > 0;
}

export async function dirtyPaths(worktree: string): Promise<string[]> {
  // A worker not launched yet has no worktree: nothing is dirty there.
  const result = await git(worktree, ['status', '--porcelain=v1', '-z', '--untracked-files=all'], { allowFailure: true }).catch(() => undefined);
  if (result === undefined || result.exitCode !== 0) return [];
  const paths: string[] = [];
  const records = result.stdout.split('\0');
  for (let i = 0; i < records.length; i++) {
    const record = records[i] ?? '';
    if (record.length < 4) continue;
    paths.push(record.slice(3));
    // A rename or copy record is followed by its source path.
    if (record[0] === 'R' || record[0] === 'C') i++;
  }
  return paths;
}

/**
 * What a branch has done relative to base. Commits ahead use `base..branch` (commits reachable from the branch
 * and not from base). Files use `base...branch`, i.e. the diff from the merge base: two dots would compare the tips
 * and also list every file base changed since the fork, which is how a dashboard once showed the wrong files.
 */
export async function activity(repo: string, base: string, branch: string, worktree: string | undefined): Promise<GitActivity> {
  const [ahead, files, last, dirty] = await Promise.all([
    git(repo, ['rev-list', '--count', `${base}..${branch}`], { allowFailure: true }),
    git(repo, ['diff', '--name-only', '-z', `${base}...${branch}`], { allowFailure: true }),
    git(repo, ['log', '-1', '--format=%H%x1f%s%x1f%cI', `${base}..${branch}`], { allowFailure: true }),
    worktree === undefined ? Promise.resolve([]) : dirtyPaths(worktree),
  ]);
  const [sha, subject, at] = last.stdout.trim().split('\x1f');
  return {
    commitsAhead: ahead.exitCode === 0 ? Number(ahead.stdout.trim()) : 0,
    filesChanged: files.exitCode === 0 ? files.stdout.split('\0').filter((file) => file !== '') : [],
    lastCommit: sha !== undefined && sha !== '' && subject !== undefined && at !== undefined ? { sha, subject, at } : undefined,
    dirty,
  };
}

/** The newest commits on `branch` that `base` lacks, as `sha subject` lines; empty when the branch does not exist. */
export async function commitSubjects(repo: string, base: string, branch: string, limit: number): Promise<string[]> {
  const result = await git(repo, ['log', `--max-count=${limit}`, '--format=%h %s', `${base}..${branch}`, '--'], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.split('\n').filter((line) => line !== '') : [];
}

/** Commits on `branch` that `base` does not have: what deleting the branch would lose unless it is merged. */
export async function commitsNotIn(repo: string, base: string, branch: string): Promise<number> {
  return Number(await out(repo, ['rev-list', '--count', `${base}..${branch}`]));
}

/** Removes a worktree's folder and its registration; `force` also drops its uncommitted changes. */
export async function removeWorktree(repo: string, worktreePath: string, force: boolean): Promise<void> {
  await git(repo, ['worktree', 'remove', ...(force ? ['--force'] : []), worktreePath]);
}

/** Deletes a branch whatever it holds: callers judge "merged" themselves, against base, not against HEAD. */
export async function deleteBranch(repo: string, branch: string): Promise<void> {
  await git(repo, ['branch', '-D', branch]);
}

/** Tip commit of every local branch, in one call: the cheap way to see which branches moved. */
export async function branchTips(repo: string): Promise<Map<string, string>> {
  const text = await out(repo, ['for-each-ref', 'refs/heads', '--format=%(refname:short)%09%(objectname)']);
  return new Map(text.split('\n').filter((line) => line !== '').map((line) => line.split('\t') as [string, string]));
}

/** Paths that would conflict when merging two branches, without touching any worktree (git >= 2.38). */
export async function predictConflicts(repo: string, left: string, right: string): Promise<string[]> {
  const result = await git(repo, ['merge-tree', '--write-tree', '--name-only', '--no-messages', left, right], { allowFailure: true });
  if (result.exitCode !== 1) return [];
  return result.stdout.split('\n').slice(1).filter((line) => line !== '');
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
