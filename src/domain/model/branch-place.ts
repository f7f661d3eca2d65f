/**
 * Where a worker's branch and worktree stand beyond their commits: the branch still there, the worktree still at its
 * path, and the branch tip where the worktree left it. A branch moved from outside (a commit from another checkout,
 * an `update-ref`, a reset) leaves the worktree's index at the old tip: the agent's next `git add -A` commit would
 * undo that change.
 */

/** What git says of a worker's branch and worktree; absent fields mean all is well. */
export interface BranchPlace {
  /** The branch ref is gone (deleted outside czar); `lastTip` is the tip czar saw last, to restore it from. */
  readonly branchMissing?: { readonly lastTip: string | undefined } | undefined;
  /** The worktree folder is gone or is no checkout any more; `movedTo` is where git has the branch checked out now. */
  readonly worktreeMissing?: { readonly path: string; readonly movedTo: string | undefined } | undefined;
  /** The branch moved to a commit its worktree did not make. */
  readonly movedOutside?: MovedOutside | undefined;
}

/**
 * `from` is where the worktree last left the branch, `to` where the branch is. `forward`: `to` contains `from` (a
 * commit added from outside), else the branch was reset or rewritten. `committedOver`: the worktree has already
 * committed on top of `to` from its stale index (the commit named may undo the change); `to` is empty when the
 * branch had been deleted under it, so that commit began a history of its own.
 */
export interface MovedOutside {
  readonly from: string;
  readonly to: string;
  readonly forward: boolean;
  readonly committedOver?: string | undefined;
}

/** The two ends of a move the worktree did not make, as its HEAD reflog shows it (see `MovedOutside`). */
export type HeadLogMove = Omit<MovedOutside, 'forward'>;

/** One line of a worktree's HEAD reflog. */
export interface HeadLogEntry {
  readonly old: string;
  readonly new: string;
  readonly message: string;
}

const ZERO = /^0+$/;

/** Parses `logs/HEAD` (`<old> <new> <who> <when>\t<message>` per line); lines that are not entries are skipped. */
export function parseHeadLog(text: string): HeadLogEntry[] {
  return text.split('\n').flatMap((line) => {
    const match = /^([0-9a-f]{40,64}) ([0-9a-f]{40,64}) [^\t]*(?:\t(.*))?$/.exec(line);
    return match === null ? [] : [{ old: match[1] ?? '', new: match[2] ?? '', message: match[3] ?? '' }];
  });
}

/** A commit made in the worktree (`commit:`, `commit (amend):`, `commit (initial):`, `commit (merge):`). */
function isCommit(entry: HeadLogEntry): boolean {
  return entry.message.startsWith('commit');
}

/**
 * Whether the branch moved under the worktree, from its HEAD reflog (HEAD symbolic to the branch). Every move the
 * worktree makes is in that log; a move made elsewhere is not. So the branch tip must be the log's last new value,
 * and each entry must start where the one before ended: a commit that starts elsewhere was made on a branch that
 * had moved under it. A reset, merge or checkout in the worktree since then brought index and branch together again.
 * `from` and `to` are the two ends of the move; whether it went forward is the shell's to ask (git ancestry).
 */
export function judgeHeadLog(tip: string, entries: readonly HeadLogEntry[]): HeadLogMove | undefined {
  const last = entries.at(-1);
  if (last === undefined) return undefined;
  if (last.new !== tip) return { from: last.new, to: tip };
  for (let index = entries.length - 1; index > 0; index--) {
    const entry = entries[index];
    const before = entries[index - 1];
    if (entry === undefined || before === undefined || !isCommit(entry)) return undefined;
    if (entry.old !== before.new)
      return { from: before.new, to: ZERO.test(entry.old) ? '' : entry.old, committedOver: entry.new };
  }
  return undefined;
}
