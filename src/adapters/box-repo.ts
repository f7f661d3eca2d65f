import { cp, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { branchExists, cutBranch, git } from './git.js';
import { STRANGER_CONFIG } from './git-client.js';

/**
 * A boxed worker's repository of its own: a `git clone --shared` of the main repository (objects borrowed through
 * `objects/info/alternates`, so nothing is copied) on the worker's branch. Its refs, index and config are its own, so
 * the only branch it can move is its own; czar fetches that branch back into the main repository.
 */

/**
 * Makes the repository: the branch in the main repository first (cut from `from` when missing, never reset), then the
 * clone on it, with the person's git identity (the box hides their ~/.gitconfig). Says whether it made the branch.
 */
export async function makeBoxedRepo(
  repo: string,
  folder: string,
  branch: string,
  from: string,
  worker: string,
  knownToExist?: boolean,
): Promise<'created' | 'reused-branch'> {
  const existed = knownToExist ?? (await branchExists(repo, branch));
  // Cut as a linked worktree's branch is, so `down --purge` knows it for czar's.
  if (!existed) await cutBranch(repo, branch, from, `worker ${worker}`);
  await mkdir(path.dirname(folder), { recursive: true });
  const identity = (await gitIdentity(repo)).flatMap((setting) => ['--config', setting]);
  await git(repo, ['clone', '--quiet', '--shared', '--no-tags', ...identity, '--branch', branch, '--', repo, folder]);
  return existed ? 'reused-branch' : 'created';
}

/**
 * Read once a minute per repository: a launch of twenty boxed workers asked git for it eighty times, and a person who
 * changes it mid-sprint has it in the next worker's repository soon after.
 */
const identities = new Map<string, { readonly at: number; readonly settings: Promise<string[]> }>();
const IDENTITY_FOR_MS = 60_000;

/** The person's `user.name` and `user.email` as the main repository sees them (the last one wins), as settings. */
function gitIdentity(repo: string): Promise<string[]> {
  const known = identities.get(repo);
  if (known !== undefined && Date.now() - known.at < IDENTITY_FOR_MS) return known.settings;
  const settings = git(repo, ['config', '--get-regexp', '^user\\.(name|email)$'], { allowFailure: true }).then(
    (result) => {
      const values = new Map<string, string>();
      for (const line of result.exitCode === 0 ? result.stdout.split('\n') : []) {
        const match = /^(user\.(?:name|email)) (.*)$/.exec(line);
        if (match?.[1] !== undefined) values.set(match[1], match[2] ?? '');
      }
      return [...values].map(([key, value]) => `${key}=${value}`);
    },
  );
  identities.set(repo, { at: Date.now(), settings });
  return settings;
}

/**
 * Brings the worker's branch from its repository into the main one, fast-forward only: a branch here that went
 * another way is never overwritten (git refuses, and the caller says so). The worker's hooks and fsmonitor never run:
 * czar reads its repository as a stranger's.
 */
export async function fetchFromBox(repo: string, folder: string, branch: string): Promise<void> {
  await git(repo, [
    ...STRANGER_CONFIG.flatMap((setting) => ['-c', setting]),
    ...['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--', folder],
    `refs/heads/${branch}:refs/heads/${branch}`,
  ]);
}

/**
 * Brings the fleet's branches (`czar/*` and the integration branch) from the main repository into the worker's own,
 * all but its own branch: a message may tell it to merge one (a verified sub-worker's, a dependency's, the
 * integration branch in a fix-up), and its repository of its own has only its own branch. Objects are borrowed from
 * the main repository, so this writes refs only; the worker's hooks and fsmonitor never run.
 */
export async function shareBranches(repo: string, folder: string, own: string, integration: string): Promise<void> {
  // A name fetched by itself must exist (git fails the whole fetch on a missing one); a pattern may match nothing.
  const outside =
    !integration.startsWith('czar/') &&
    (await git(repo, ['show-ref', '--verify', '--quiet', `refs/heads/${integration}`], { allowFailure: true }))
      .exitCode === 0;
  const refspecs = ['czar/*', ...(outside ? [integration] : [])].map(
    (branch) => `+refs/heads/${branch}:refs/heads/${branch}`,
  );
  await git(folder, [
    ...STRANGER_CONFIG.flatMap((setting) => ['-c', setting]),
    ...['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--', repo],
    ...refspecs,
    `^refs/heads/${own}`,
  ]);
}

/**
 * How many commits a boxed worker's repository holds that no branch or tag of the main repository has: what removing
 * the repository would lose (its branches, tags and stash are counted).
 */
export async function commitsOnlyIn(repo: string, folder: string): Promise<number> {
  const tips = (await git(repo, ['for-each-ref', '--format=%(objectname)', 'refs/heads', 'refs/tags'])).stdout
    .split('\n')
    .filter((tip) => tip !== '');
  const count = await git(folder, [
    ...['rev-list', '--count', '--branches', '--tags', '--glob=refs/stash', '--not'],
    ...new Set(tips),
  ]);
  return Number(count.stdout.trim());
}

/**
 * A boxed worker's private home: the agent's own files (`names`, relative to `home`) copied once, the first time, so
 * its settings and sign-in come along and nothing it writes reaches the person's home or a sibling's copy.
 */
export async function privateHome(folder: string, home: string, names: readonly string[]): Promise<string> {
  if (
    await stat(folder).then(
      () => true,
      () => false,
    )
  )
    return folder;
  await mkdir(folder, { recursive: true, mode: 0o700 });
  for (const name of names) {
    const from = path.join(home, name);
    if (
      await stat(from).then(
        () => true,
        () => false,
      )
    )
      await cp(from, path.join(folder, name), { recursive: true, preserveTimestamps: true });
  }
  return folder;
}
