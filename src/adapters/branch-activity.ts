import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FileStat, GitActivity } from '../domain/status/status-schema.js';
import { CUT_BY_CZAR, git, headRef, revParse, worktreeStatus } from './git.js';
import { worktreeGitDir, worktreeIndexStamp } from './worktree-index.js';

/**
 * Files a branch changed since it forked from base (`base...branch`, the diff from the merge base: two dots would
 * compare the tips and also list every file base changed since the fork, which is how a dashboard once showed the
 * wrong files), with their line counts. `--no-renames`: a move lists both paths, so scope and overlap see both.
 * `-z`: a name with a control character comes as it is, not in git's quoted form (which scope would flag).
 */
export async function diffStat(repo: string, base: string, branch: string): Promise<FileStat[]> {
  return numstat(repo, `${headRef(base)}...${headRef(branch)}`);
}

/**
 * `diffStat` of the files the branch's own commits changed: after it merged another branch in (the integration
 * branch, a child's), the diff from base also holds that branch's files, which are not this one's work.
 */
export async function ownDiffStat(repo: string, base: string, branch: string): Promise<FileStat[]> {
  const range = `${headRef(base)}..${headRef(branch)}`;
  const [files, history] = await Promise.all([
    diffStat(repo, base, branch),
    git(repo, historyArgs(range), { allowFailure: true }),
  ]);
  if (history.exitCode !== 0) return files;
  const own = ownHistory(parseHistory(history.stdout));
  return own.merges ? files.filter((file) => own.ownFiles.has(file.file)) : files;
}

async function numstat(repo: string, range: string): Promise<FileStat[]> {
  const { stdout } = await git(repo, ['diff', '--numstat', '-z', '--no-renames', range, '--']);
  // Each entry is "added<TAB>deleted<TAB>path" then NUL; a binary file counts "-" for both.
  return stdout.split('\0').flatMap((entry): FileStat[] => {
    const [added = '', deleted = '', ...rest] = entry.split('\t');
    const file = rest.join('\t');
    if (file === '') return [];
    return added === '-'
      ? [{ file, insertions: 0, deletions: 0, binary: true }]
      : [{ file, insertions: Number(added), deletions: Number(deleted), binary: false }];
  });
}

/** The branch's own line of history: its tip, whether it merged anything in, and the files its own commits touched. */
export interface OwnHistory {
  readonly tip: { readonly sha: string; readonly subject: string; readonly at: string } | undefined;
  readonly merges: boolean;
  readonly ownFiles: ReadonlySet<string>;
}

/** A commit of a range's log as `parseHistory` reads it. */
interface LoggedCommit {
  readonly sha: string;
  readonly at: string;
  readonly parents: readonly string[];
  readonly subject: string;
  readonly files: string[];
}

/** Each commit's header in the log `parseHistory` reads: it starts with HEADER (the format's `%x1e`). */
const HEADER = '\x1e';
const HISTORY_FORMAT = '--format=%x1e%H %cI %P%x1f%s';

/**
 * `git log` arguments for every commit of a range with the files each touched, as `parseHistory` reads it: one process
 * gives both the count of the range's commits and the branch's own line (merges list no files).
 */
export function historyArgs(range: string): string[] {
  return ['log', '--diff-merges=off', '--no-renames', '--name-only', '-z', HISTORY_FORMAT, range, '--'];
}

/**
 * Reads `git log --diff-merges=off --name-only -z` in HISTORY_FORMAT: each commit is a header token, its files follow
 * as tokens of their own (the first after a newline), and a merge lists none. The subject comes last, after the first
 * \x1f, since an agent's subject may hold any byte but NUL.
 */
export function parseHistory(stdout: string): LoggedCommit[] {
  const commits: LoggedCommit[] = [];
  for (const token of stdout.split('\0')) {
    if (token.startsWith(HEADER)) {
      const body = token.slice(HEADER.length);
      const split = body.indexOf('\x1f');
      const [sha = '', at = '', ...parents] = body.slice(0, split).split(' ');
      commits.push({
        sha,
        at,
        parents: parents.filter((parent) => parent !== ''),
        subject: body.slice(split + 1),
        files: [],
      });
    } else {
      const file = token.startsWith('\n') ? token.slice(1) : token;
      if (file !== '') commits.at(-1)?.files.push(file);
    }
  }
  return commits;
}

/**
 * The branch's own line among a range's commits: from its tip (the log's first commit: the walk starts there), each
 * commit's first parent while it is in the range. A merge on that line brought another branch's commits in, whose
 * files are not the branch's own.
 */
export function ownHistory(commits: readonly LoggedCommit[]): OwnHistory {
  const bySha = new Map(commits.map((commit) => [commit.sha, commit]));
  const ownFiles = new Set<string>();
  let merges = false;
  const first = commits[0];
  for (let commit = first; commit !== undefined; commit = bySha.get(commit.parents[0] ?? '')) {
    bySha.delete(commit.sha);
    if (commit.parents.length > 1) merges = true;
    for (const file of commit.files) ownFiles.add(file);
  }
  return {
    tip: first === undefined ? undefined : { sha: first.sha, subject: first.subject, at: first.at },
    merges,
    ownFiles,
  };
}

/**
 * What a branch has done relative to base. Commits ahead use `base..branch` (commits reachable from the branch
 * and not from base); files come from `diffStat`. A branch not created yet has done nothing. After a fix-up merge
 * of the integration branch, the diff from the fork also holds every file the merge brought in: only files the
 * branch's own commits touched count then, or scope and overlap would blame the worker for its peers' work; so do
 * files staged as the integration branch has them (see `ownDirtyPaths`). `filesSince`: the branch the files are
 * counted from (a child's parent's: the commits it started with are its parent's work).
 */
export async function activity(
  repo: string,
  base: string,
  branch: string,
  worktree: string | undefined,
  integrationBranch?: string,
  filesSince: string = base,
): Promise<GitActivity> {
  // Every question is asked of one tip: a commit landing between them (a fix-up's merge) would mix two states.
  const [tip, dirty] = await Promise.all([
    revParse(repo, headRef(branch)),
    worktree === undefined ? Promise.resolve([]) : ownDirtyPaths(worktree, integrationBranch),
  ]);
  if (tip === undefined) return { ...NO_COMMITS, dirty };
  return { ...(await commitActivity(repo, commitOf(base), tip, headRef(filesSince))), dirty };
}

/** A branch with no commits of its own: nothing ahead, no files, no last commit. */
export const NO_COMMITS: Omit<GitActivity, 'dirty'> = { commitsAhead: 0, filesChanged: [], lastCommit: undefined };

/**
 * The commit side of a branch's activity at `tip`: its commits since `from` (a commit or full ref), the files it
 * changed since it forked from `filesSince`, and its own last commit. It depends on those three alone.
 */
export async function commitActivity(
  repo: string,
  from: string,
  tip: string,
  filesSince: string,
): Promise<Omit<GitActivity, 'dirty'>> {
  const [files, history] = await Promise.all([
    numstat(repo, `${filesSince}...${tip}`).catch(() => []),
    git(repo, historyArgs(`${from}..${tip}`), { allowFailure: true }),
  ]);
  const commits = history.exitCode === 0 ? parseHistory(history.stdout) : [];
  const own = ownHistory(commits);
  return {
    commitsAhead: commits.length,
    filesChanged: files.map((file) => file.file).filter((file) => !own.merges || own.ownFiles.has(file)),
    lastCommit: own.tip,
  };
}

/** A commit as git takes it: a full sha as it is, a branch by its full name (never a tag or a remote's of that name). */
function commitOf(baseOrSha: string): string {
  return /^[0-9a-f]{40}$/.test(baseOrSha) ? baseOrSha : headRef(baseOrSha);
}

/**
 * Where a branch was cut, from the oldest entry of its reflog ("branch: Created from ..."): a spawned child's own
 * commits are those since, not the parent's it was cut with. Undefined when git keeps no such entry (reflogs off or
 * expired), and then the caller counts from base.
 */
export async function branchCutAt(repo: string, branch: string): Promise<string | undefined> {
  const result = await git(repo, ['log', '-g', '--format=%H%x1f%gs', headRef(branch), '--'], { allowFailure: true });
  const [sha = '', message = ''] = result.stdout.trimEnd().split('\n').at(-1)?.split('\x1f') ?? [];
  const cut = message.startsWith(CUT_BY_CZAR) || message.startsWith('branch: Created from');
  return result.exitCode === 0 && /^[0-9a-f]{40}$/.test(sha) && cut ? sha : undefined;
}

/**
 * The worktree's uncommitted files that are the worker's own. While a merge is under way (a fix-up merging the
 * integration branch), what the merge brought in sits staged: only conflicts and files edited in the worktree count.
 * A merge writes its files before it stages them and stages them before it commits: a new or staged file whose
 * content is exactly the integration branch's is that branch's work, not the worker's. A worktree git is still
 * making has no index until its checkout is over, and `git status` lists every file as deleted until then.
 */
export async function ownDirtyPaths(worktree: string, integrationBranch: string | undefined): Promise<string[]> {
  if ((await worktreeIndexStamp(worktree)) === undefined) return [];
  const [status, mergingBefore] = await Promise.all([worktreeStatus(worktree), mergeUnderWay(worktree)]);
  if (status === undefined) return [];
  // git merge writes the merged index before MERGE_HEAD: a status read between the two is asked about again.
  const merging = mergingBefore || (await mergeUnderWay(worktree));
  const own = merging
    ? status.files.filter((file) => file.working_dir !== ' ' || status.conflicted.includes(file.path))
    : status.files;
  const added = own
    .filter((file) => file.index === '?' || (file.working_dir === ' ' && file.index !== ' ' && file.index !== 'D'))
    .map((file) => file.path);
  const theirs =
    integrationBranch === undefined || added.length === 0
      ? new Set<string>()
      : await sameAsOn(worktree, integrationBranch, added);
  return own.map((file) => file.path).filter((file) => !theirs.has(file));
}

/** Of `files`, those whose content in the worktree is the same as on `ref` (none when git cannot tell). */
async function sameAsOn(worktree: string, ref: string, files: readonly string[]): Promise<Set<string>> {
  const [tree, hashes] = await Promise.all([
    git(worktree, ['ls-tree', '-z', ref, '--', ...files], { allowFailure: true }),
    git(worktree, ['hash-object', '--', ...files], { allowFailure: true }),
  ]);
  if (tree.exitCode !== 0 || hashes.exitCode !== 0) return new Set();
  // ls-tree -z: "<mode> <type> <object>\t<path>" per entry.
  const onRef = new Map(
    tree.stdout.split('\0').flatMap((entry) => {
      const tab = entry.indexOf('\t');
      return tab < 0 ? [] : [[entry.slice(tab + 1), entry.slice(0, tab).split(' ')[2]] as const];
    }),
  );
  const ours = hashes.stdout.split('\n');
  return new Set(files.filter((file, index) => onRef.get(file) !== undefined && onRef.get(file) === ours[index]));
}

/** Whether a merge waits to be committed in the worktree (its MERGE_HEAD), read from the files, with no git process. */
async function mergeUnderWay(worktree: string): Promise<boolean> {
  const gitDir = await worktreeGitDir(worktree);
  return gitDir !== undefined && existsSync(path.join(gitDir, 'MERGE_HEAD'));
}

/** The newest commits on `branch` that `base` lacks, as `sha subject` lines; empty when the branch does not exist. */
export async function commitSubjects(repo: string, base: string, branch: string, limit: number): Promise<string[]> {
  const result = await git(
    repo,
    ['log', `--max-count=${limit}`, '--format=%h %s', `${headRef(base)}..${headRef(branch)}`, '--'],
    { allowFailure: true },
  );
  return result.exitCode === 0 ? result.stdout.split('\n').filter((line) => line !== '') : [];
}
