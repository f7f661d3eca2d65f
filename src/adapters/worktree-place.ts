import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { judgeHeadLog, parseHeadLog, type BranchPlace, type HeadLogMove } from '../domain/model/branch-place.js';
import { samePath } from '../domain/model/paths.js';
import { headRef, isAncestor, revParse } from './git.js';
import { listWorktrees } from './git-worktrees.js';
import { worktreeGitDir } from './worktree-index.js';

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
  const { places } = await branchPlaces(repo, [{ branch, worktree, lastTip }], async () => {
    const tip = await revParse(repo, headRef(branch));
    return new Map(tip === undefined ? [] : [[branch, tip]]);
  });
  return places.get(branch) ?? {};
}

/** A worker's branch and worktree, as `branchPlaces` is asked about them. */
export interface PlaceQuestion {
  readonly branch: string;
  readonly worktree: string;
  readonly lastTip: string | undefined;
}

/**
 * `branchPlace` for many workers with one read of the tips (`readTips`, by branch name), which the caller gets back
 * for its own questions. Each HEAD reflog is read before and after the tips: a log that changed meanwhile (a commit
 * under way) is judged again on its own, log-tip-log.
 */
export async function branchPlaces(
  repo: string,
  questions: readonly PlaceQuestion[],
  readTips: () => Promise<ReadonlyMap<string, string>>,
): Promise<{ tips: ReadonlyMap<string, string>; places: Map<string, BranchPlace> }> {
  const before = await Promise.all(questions.map(async (question) => headLogOnBranch(question)));
  const tips = await readTips();
  const places = new Map<string, BranchPlace>();
  await Promise.all(
    questions.map(async (question, index) => {
      const seen = before[index];
      const tip = tips.get(question.branch);
      const place: { -readonly [K in keyof BranchPlace]: BranchPlace[K] } = {};
      if (tip === undefined) place.branchMissing = { lastTip: question.lastTip };
      places.set(question.branch, place);
      if (seen === undefined || seen.kind === 'missing') {
        const elsewhere = (await listWorktrees(repo)).find(
          (entry) => entry.branch === question.branch && !samePath(entry.path, question.worktree),
        );
        place.worktreeMissing = { path: question.worktree, movedTo: elsewhere?.path };
        return;
      }
      // Only a worktree on the branch says anything of it: mid-rebase its HEAD is detached and the branch waits.
      if (tip === undefined || seen.kind === 'elsewhere') return;
      const moved =
        (await readTail(seen.logFile)) === seen.log
          ? judgeHeadLog(tip, parseHeadLog(seen.log))
          : await headLogAgainstTip(repo, question.branch, seen.logFile);
      if (moved === undefined) return;
      const forward = moved.to !== '' && (await isAncestor(repo, moved.from, moved.to));
      place.movedOutside = { ...moved, forward };
    }),
  );
  return { tips, places };
}

/** The worktree's HEAD reflog while its HEAD is on the branch; `missing` when the worktree is gone. */
async function headLogOnBranch(
  question: PlaceQuestion,
): Promise<{ kind: 'missing' } | { kind: 'elsewhere' } | { kind: 'on'; logFile: string; log: string }> {
  const gitDir = await worktreeGitDir(question.worktree);
  if (gitDir === undefined) return { kind: 'missing' };
  const head = await readFile(path.join(gitDir, 'HEAD'), 'utf8').catch(() => '');
  if (head.trim() !== `ref: ${headRef(question.branch)}`) return { kind: 'elsewhere' };
  const logFile = path.join(gitDir, 'logs', 'HEAD');
  return { kind: 'on', logFile, log: await readTail(logFile) };
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

async function readTail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  if (text.length <= HEAD_LOG_TAIL_BYTES) return text;
  // Drop the first, cut line.
  const tail = text.slice(-HEAD_LOG_TAIL_BYTES);
  return tail.slice(tail.indexOf('\n') + 1);
}
