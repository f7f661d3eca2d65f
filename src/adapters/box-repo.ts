import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cp, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { CzarError } from '../domain/model/errors.js';
import { cutBranch, git, headRef, revParse } from './git.js';
import { STRANGER_CONFIG } from './git-client.js';
import { readTextFile } from './text-file.js';

/**
 * A boxed worker's repository of its own: what `git clone --shared` of the main repository on the worker's branch
 * makes (objects borrowed through `objects/info/alternates`, so nothing is copied; `origin` the main repository), its
 * `.git` written by czar and its files checked out by one `git read-tree`, where a clone runs three processes. Its
 * refs, index and config are its own, so the only branch it can move is its own; czar fetches that branch back into
 * the main repository.
 */

/**
 * Makes the repository on the worker's branch, with the person's git identity (the box hides their ~/.gitconfig) and
 * the fleet's branches as the main repository has them (see `shareBranches`), the branch cut in the main repository
 * meanwhile (from `from` when missing, never reset). Says whether it made the branch.
 */
export async function makeBoxedRepo(
  repo: string,
  folder: string,
  branch: string,
  from: string,
  worker: string,
  options: {
    /** Whether the plan saw the branch (undefined: git is asked). */
    readonly knownToExist?: boolean;
    /** How `from`'s commit is read (`tipOf` for a branch read once for a whole launch, the base). */
    readonly fromTip?: () => Promise<string | undefined>;
    /** The fleet's integration branch, shared with the `czar/*` branches when it lies outside them. */
    readonly integration?: string | undefined;
  } = {},
): Promise<'created' | 'reused-branch'> {
  const { knownToExist, fromTip = () => revParse(repo, headRef(from)), integration } = options;
  const facts = mainRepoFacts(repo);
  const existing = knownToExist === false ? undefined : await revParse(repo, headRef(branch));
  const tip = existing ?? (await fromTip());
  mkdirSync(folder, { recursive: true });
  if (readdirSync(folder).length > 0)
    throw new CzarError(
      'worktree_foreign',
      `${folder} is not empty, so czar did not make boxed worker "${worker}"'s repository there; move that folder away and run "czar up" again.`,
    );
  // The branch is cut while the files are checked out (two git processes at once); a cut git refuses (a missing
  // `from`, a branch made meanwhile) takes the repository just made with it.
  const made = await Promise.allSettled([
    existing === undefined ? cutBranch(repo, branch, from, `worker ${worker}`, tip) : undefined,
    tip === undefined
      ? undefined
      : Promise.all([facts, fleetBranches(repo, integration)]).then(([known, shared]) =>
          writeRepo(repo, folder, branch, tip, known, shared),
        ),
  ]);
  const refusal = made.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []))[0];
  if (refusal !== undefined || tip === undefined) {
    await rm(folder, { recursive: true, force: true });
    throw (
      refusal ??
      new CzarError(
        'worktree_missing',
        `"${from}" had no commit in ${repo} when boxed worker "${worker}"'s repository was made; run "czar up" again.`,
      )
    );
  }
  return existing === undefined ? 'created' : 'reused-branch';
}

/** The repository's `.git` as a shared clone's on `branch` at `tip`, and its files checked out. */
async function writeRepo(
  repo: string,
  folder: string,
  branch: string,
  tip: string,
  facts: MainRepoFacts,
  shared: readonly FleetBranch[],
): Promise<void> {
  const gitDir = path.join(folder, '.git');
  const { objects, format, identity } = facts;
  const folders = ['objects/info', 'objects/pack', 'refs/tags', path.dirname(headRef(branch)), 'hooks', 'info'];
  // Blocking calls, a few microseconds each: as promises, the thirteen waited their turns in the thread pool behind
  // the other launching workers' files (a launch of twenty took 460 ms a repository, 180 ms so).
  for (const dir of [...folders, path.dirname(`refs/remotes/origin/${branch}`)])
    mkdirSync(path.join(gitDir, dir), { recursive: true });
  const files: Record<string, string> = {
    HEAD: `ref: ${headRef(branch)}\n`,
    config: repoConfig(repo, branch, format, identity),
    'objects/info/alternates': `${objects}\n`,
    [headRef(branch)]: `${tip}\n`,
    [`refs/remotes/origin/${branch}`]: `${tip}\n`,
    // What the fetch before its first message would bring (its own branch is the loose ref above).
    'packed-refs': shared
      .filter((ref) => ref.name !== headRef(branch))
      .map((ref) => `${ref.commit} ${ref.name}\n`)
      .join(''),
  };
  // Create-only: nothing was there, and nothing is written over.
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(gitDir, name), text, { flag: 'wx' });
  await git(folder, [...STRANGER_CONFIG.flatMap((setting) => ['-c', setting]), 'read-tree', '--reset', '-u', 'HEAD']);
}

/** A value in git's config syntax: quoted, with what git would read otherwise escaped. */
const configValue = (value: string): string =>
  `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;

function repoConfig(
  repo: string,
  branch: string,
  format: string,
  identity: readonly (readonly [string, string])[],
): string {
  const sha256 = format === 'sha256';
  return [
    '[core]',
    `\trepositoryformatversion = ${sha256 ? 1 : 0}`,
    '\tfilemode = true',
    '\tbare = false',
    '\tlogallrefupdates = true',
    ...(sha256 ? ['[extensions]', '\tobjectformat = sha256'] : []),
    '[remote "origin"]',
    `\turl = ${configValue(repo)}`,
    '\tfetch = +refs/heads/*:refs/remotes/origin/*',
    `[branch ${configValue(branch)}]`,
    '\tremote = origin',
    `\tmerge = ${configValue(headRef(branch))}`,
    ...(identity.length === 0 ? [] : ['[user]', ...identity.map(([key, value]) => `\t${key} = ${configValue(value)}`)]),
    '',
  ].join('\n');
}

/**
 * Read once a minute per repository: a launch of twenty boxed workers asked git for the identity eighty times, and a
 * person who changes it mid-sprint has it in the next worker's repository soon after.
 */
const facts = new Map<string, { readonly at: number; readonly facts: Promise<MainRepoFacts> }>();
const FACTS_FOR_MS = 60_000;

interface MainRepoFacts {
  /** The main repository's object folder, absolute: what the worker's repository borrows. */
  readonly objects: string;
  /** Its object format (`sha1`, `sha256`), which the borrowing repository must share. */
  readonly format: string;
  /** The person's `user.name` and `user.email` as the main repository sees them (the last one wins). */
  readonly identity: readonly (readonly [string, string])[];
}

function mainRepoFacts(repo: string): Promise<MainRepoFacts> {
  const known = facts.get(repo);
  if (known !== undefined && Date.now() - known.at < FACTS_FOR_MS) return known.facts;
  const read = Promise.all([
    git(repo, ['rev-parse', '--path-format=absolute', '--git-path', 'objects', '--show-object-format']),
    git(repo, ['config', '--get-regexp', '^user\\.(name|email)$'], { allowFailure: true }),
  ]).then(([where, config]) => {
    const [objects = '', format = 'sha1'] = where.stdout.trim().split('\n');
    const values = new Map<string, string>();
    for (const line of config.exitCode === 0 ? config.stdout.split('\n') : []) {
      const match = /^user\.(name|email) (.*)$/.exec(line);
      if (match?.[1] !== undefined) values.set(match[1], match[2] ?? '');
    }
    return { objects, format, identity: [...values] };
  });
  read.catch(() => facts.delete(repo));
  facts.set(repo, { at: Date.now(), facts: read });
  return read;
}

interface FleetBranch {
  readonly name: string;
  readonly commit: string;
}

/** The fleet's branches, read once for the repositories a launch makes together, as `tipOf` reads a tip. */
const fleetRead = new Map<string, { readonly at: number; readonly branches: Promise<FleetBranch[]> }>();

function fleetBranches(repo: string, integration: string | undefined): Promise<FleetBranch[]> {
  const key = `${repo}\0${integration ?? ''}`;
  const known = fleetRead.get(key);
  if (known !== undefined && Date.now() - known.at < TIP_FOR_MS) return known.branches;
  const patterns = ['refs/heads/czar/', ...(integration === undefined ? [] : [headRef(integration)])];
  const branches = git(repo, ['for-each-ref', '--format=%(objectname) %(refname)', ...patterns]).then((result) =>
    result.stdout.split('\n').flatMap((line) => {
      const [commit = '', name = ''] = line.split(' ');
      return name === '' ? [] : [{ name, commit }];
    }),
  );
  branches.catch(() => fleetRead.delete(key));
  fleetRead.set(key, { at: Date.now(), branches });
  return branches;
}

/**
 * The commit a branch points at, asked of git once for the workers a launch makes together (most are cut from the
 * base): at most this old when used.
 */
const tips = new Map<string, { readonly at: number; readonly commit: Promise<string | undefined> }>();
const TIP_FOR_MS = 2000;

export function tipOf(repo: string, branch: string): Promise<string | undefined> {
  const key = `${repo}\0${branch}`;
  const known = tips.get(key);
  if (known !== undefined && Date.now() - known.at < TIP_FOR_MS) return known.commit;
  const commit = revParse(repo, headRef(branch));
  tips.set(key, { at: Date.now(), commit });
  return commit;
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
 * Where the worker's branch points in its repository, read from the files git keeps it in (the loose ref, else
 * packed-refs), so a look at many workers starts no process: only compared with what was fetched last, never trusted.
 * Undefined when neither says (a file that is no small text file is not read: a worker may plant anything there).
 */
export async function boxBranchTip(folder: string, branch: string): Promise<string | undefined> {
  const gitDir = path.join(folder, '.git');
  const loose = await readTextFile(path.join(gitDir, headRef(branch)), 200);
  if (loose.ok) return loose.text.trim();
  const packed = await readTextFile(path.join(gitDir, 'packed-refs'), 1 << 20);
  const line = packed.ok ? packed.text.split('\n').find((each) => each.endsWith(` ${headRef(branch)}`)) : undefined;
  return line?.split(' ')[0];
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
