import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { judgeHeadLog, parseHeadLog, type BranchPlace, type HeadLogMove } from '../domain/branch-place.js';
import { samePath } from '../domain/paths.js';
import { headRef, isAncestor, revParse } from './git.js';
import { listWorktrees } from './git-worktrees.js';

/** How much of a worktree's HEAD reflog is read: its end is what counts, and a log grows with every commit. */
const HEAD_LOG_TAIL_BYTES = 64 * 1024;

/**
 * Where a worker's branch and worktree stand (see `BranchPlace`), read from the ref, the worktree's `.git` file and
 * its HEAD reflog. `lastTip` is the tip czar saw last: a deleted branch is restored from it.
 */
export async function branchPlace(
  repo: string,
  branch: string,
  worktree: string,
  lastTip: string | undefined,
): Promise<BranchPlace> {
  const [tip, gitDir] = await Promise.all([revParse(repo, headRef(branch)), worktreeGitDir(worktree)]);
  const place: { -readonly [K in keyof BranchPlace]: BranchPlace[K] } = {};
  if (tip === undefined) place.branchMissing = { lastTip };
  if (gitDir === undefined) {
    const elsewhere = (await listWorktrees(repo)).find(
      (entry) => entry.branch === branch && !samePath(entry.path, worktree),
    );
    place.worktreeMissing = { path: worktree, movedTo: elsewhere?.path };
    return place;
  }
  // Only a worktree on the branch says anything of it: mid-rebase its HEAD is detached and the branch waits.
  const head = await readFile(path.join(gitDir, 'HEAD'), 'utf8').catch(() => '');
  if (tip === undefined || head.trim() !== `ref: ${headRef(branch)}`) return place;
  const moved = await headLogAgainstTip(repo, branch, path.join(gitDir, 'logs', 'HEAD'));
  if (moved === undefined) return place;
  const forward = moved.to !== '' && (await isAncestor(repo, moved.from, moved.to));
  place.movedOutside = { ...moved, forward };
  return place;
}

/**
 * The HEAD reflog judged against the tip, read log-tip-log: a commit in the worktree appends to the log before it
 * moves the ref, so a tip read between two equal logs is one the log had the chance to explain. Otherwise a commit
 * landing between the two reads would look like a move from outside.
 */
async function headLogAgainstTip(repo: string, branch: string, logFile: string): Promise<HeadLogMove | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await readTail(logFile);
    const tip = await revParse(repo, headRef(branch));
    if (tip === undefined) return undefined;
    if ((await readTail(logFile)) === before) return judgeHeadLog(tip, parseHeadLog(before));
  }
  return undefined;
}

/**
 * The worktree's own git folder (`.git/worktrees/<id>`), from the `gitdir:` line of its `.git` file; undefined when
 * the folder is gone, or git's record of it is (`git worktree move` or `remove` under the worker).
 */
async function worktreeGitDir(worktree: string): Promise<string | undefined> {
  const dotGit = path.join(worktree, '.git');
  // A worker may work in the main checkout, whose .git is the folder itself.
  if (existsSync(path.join(dotGit, 'HEAD'))) return dotGit;
  const pointer = await readFile(dotGit, 'utf8').catch(() => undefined);
  const match = pointer === undefined ? null : /^gitdir:\s*(.+)$/m.exec(pointer);
  if (match?.[1] === undefined) return undefined;
  const gitDir = path.resolve(worktree, match[1].trim());
  return existsSync(path.join(gitDir, 'HEAD')) ? gitDir : undefined;
}

async function readTail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  if (text.length <= HEAD_LOG_TAIL_BYTES) return text;
  // Drop the first, cut line.
  const tail = text.slice(-HEAD_LOG_TAIL_BYTES);
  return tail.slice(tail.indexOf('\n') + 1);
}
