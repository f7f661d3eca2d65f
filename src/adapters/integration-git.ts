import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { CzarError } from '../domain/errors.js';
import { branchExists, cutBranch, dirtyPaths, headRef, revParse } from './git.js';
import { listWorktrees } from './git-worktrees.js';
import { cleanEnv } from './process.js';

/**
 * The git steps of the integration branch: czar's own worktree on czar's own branch, where merges happen and are
 * undone. Nothing here touches a worker's branch or worktree; base moves only by compare-and-swap.
 */

/**
 * simple-git 3.36 refuses to run when the environment names an editor, pager, askpass, ssh command or config path.
 * Here that environment is the person's own (their EDITOR, their GIT_SSH_COMMAND for a push), and czar's arguments
 * are fixed, so these are allowed; options that arguments could smuggle in (-c hooks, --upload-pack) stay blocked.
 */
const PERSON_ENV = {
  allowUnsafeEditor: true,
  allowUnsafePager: true,
  allowUnsafeAskPass: true,
  allowUnsafeSshCommand: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeGitProxy: true,
  allowUnsafeTemplateDir: true,
  allowUnsafeDiffExternal: true,
} as const;

function gitAt(dir: string): SimpleGit {
  // GIT_OPTIONAL_LOCKS=0 as everywhere: czar's reads never take index.lock from under a worker. No merge editor and
  // no terminal prompt: a merge message is always given, and a push that wants a password fails instead of hanging.
  return simpleGit({ baseDir: dir, errors: failOnAnyExit, unsafe: PERSON_ENV }).env(
    cleanEnv({ GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_MERGE_AUTOEDIT: 'no', LC_ALL: 'C' }),
  );
}

/**
 * simple-git 3.36 treats a non-zero exit as success when stderr is empty (`merge-base --is-ancestor` answers "no"
 * that way): here every non-zero exit is a failure, with stdout and stderr as its message.
 */
function failOnAnyExit(
  error: Buffer | Error | undefined,
  result: { exitCode: number; stdOut: Buffer[]; stdErr: Buffer[] },
): Buffer | Error | undefined {
  if (error !== undefined) return error;
  return result.exitCode === 0 ? undefined : Buffer.concat([...result.stdOut, ...result.stdErr]);
}

/** Wraps a simple-git failure into one sentence that says what czar was doing. */
async function step<T>(what: string, effect: () => Promise<T>): Promise<T> {
  try {
    return await effect();
  } catch (error) {
    const reason = error instanceof Error ? error.message.trim().split('\n')[0] : String(error);
    throw new CzarError('git_failed', `git could not ${what}: ${reason}.`, { cause: error });
  }
}

/** Who the integration branch is for, in its first reflog entry. */
export const INTEGRATION_CUT = 'the integration branch';

/**
 * Makes sure czar's integration worktree exists on `branch`, creating the branch from `base` when it does not exist.
 * Returns whether the branch was created now. The caller decides whether an existing branch is czar's to use.
 */
export async function ensureIntegrationWorktree(
  repo: string,
  worktree: string,
  branch: string,
  base: string,
): Promise<{ created: boolean }> {
  const created = !(await branchExists(repo, branch));
  if (created) await step(`create branch ${branch} from ${base}`, () => cutBranch(repo, branch, base, INTEGRATION_CUT));
  const entries = await listWorktrees(repo);
  const here = entries.find((entry) => path.resolve(entry.path) === path.resolve(worktree));
  const elsewhere = entries.find(
    (entry) => entry.branch === branch && path.resolve(entry.path) !== path.resolve(worktree),
  );
  if (elsewhere !== undefined) {
    throw new CzarError(
      'integration_busy',
      `Branch ${branch} is checked out in ${elsewhere.path}, so czar cannot merge into it; switch that checkout to another branch or set integration.branch to another name.`,
    );
  }
  if (here === undefined) {
    await mkdir(path.dirname(worktree), { recursive: true });
    await gitAt(repo).raw(['worktree', 'prune']);
    await step(`add the integration worktree ${worktree}`, () =>
      gitAt(repo).raw(['worktree', 'add', worktree, branch]),
    );
  }
  return { created };
}

/**
 * Brings czar's own worktree back to its branch tip: a merge left half-way by a killed czar is aborted. Only ever
 * called on the integration worktree, which holds nothing but czar's merges.
 */
export async function resetIntegrationWorktree(worktree: string, to = 'HEAD'): Promise<void> {
  const git = gitAt(worktree);
  if ((await revParse(worktree, 'MERGE_HEAD')) !== undefined)
    await git.raw(['merge', '--abort']).catch(() => undefined);
  await step(`reset the integration worktree ${worktree} to ${to}`, () => git.raw(['reset', '--hard', '--quiet', to]));
  await step(`clean the integration worktree ${worktree}`, () => git.raw(['clean', '-fdq']));
}

/** Whether the worktree's HEAD is exactly a merge of `tip` onto `onto` (first parent `onto`, second `tip`). */
export async function headIsMergeOf(worktree: string, onto: string, tip: string): Promise<boolean> {
  return (await revParse(worktree, 'HEAD^1')) === onto && (await revParse(worktree, 'HEAD^2')) === tip;
}

/** `refused`: git would not merge at all (unrelated histories...), in its own words; nothing was changed. */
export type MergeOutcome =
  | { readonly ok: true; readonly commit: string }
  | { readonly ok: false; readonly conflicts: readonly string[]; readonly refused?: string };

/** git's words for a commit it cannot make because it knows no author or committer (git's ident.c). */
const NO_IDENTITY =
  /identity unknown|empty ident name|unable to auto-detect email|auto-detection is disabled|tell me who you are/i;

/**
 * `git merge --no-ff` of `ref` into the worktree's branch. A conflict is aborted at once (the worktree is back at its
 * previous tip) and named by its files; czar never resolves one itself.
 */
export async function mergeNoFf(worktree: string, ref: string, message: string): Promise<MergeOutcome> {
  const git = gitAt(worktree);
  try {
    await git.merge(['--no-ff', '--no-edit', '-m', message, ref]);
  } catch (error) {
    const unmerged = (await git.raw(['diff', '--name-only', '-z', '--diff-filter=U']).catch(() => ''))
      .split('\0')
      .filter((file) => file !== '');
    if ((await revParse(worktree, 'MERGE_HEAD')) === undefined && unmerged.length === 0) {
      // No name or email to commit the merge as is the person's setup, not the branch's: no fix-up would mend it.
      if (error instanceof Error && NO_IDENTITY.test(error.message))
        throw new CzarError(
          'git_failed',
          `git has no identity to commit czar's integration merge in ${worktree} (${error.message.trim().split('\n')[0] ?? ''}); set one with "git config --global user.name NAME" and "git config --global user.email EMAIL", and czar integrates at its next try.`,
          { cause: error },
        );
      // That branch's failure, not the run's: the next branch still goes in.
      const reason = (error instanceof Error ? (error.message.trim().split('\n')[0] ?? '') : String(error)).replace(
        /^fatal:\s*/,
        '',
      );
      return { ok: false, conflicts: [], refused: reason };
    }
    await git.raw(['merge', '--abort']);
    return { ok: false, conflicts: unmerged };
  }
  const commit = await revParse(worktree, 'HEAD');
  if (commit === undefined)
    throw new CzarError(
      'git_failed',
      `git merged ${ref} in ${worktree} but HEAD does not name a commit; look at that worktree.`,
    );
  return { ok: true, commit };
}

export type AdvanceOutcome =
  | { readonly kind: 'advanced' }
  | { readonly kind: 'moved'; readonly now: string | undefined }
  | { readonly kind: 'checked_out_dirty'; readonly worktree: string };

/**
 * Fast-forwards `base` from `expected` to `next` only if base still points at `expected`. Where base is checked out
 * (the person's own checkout, usually) a bare ref update would leave that checkout's files behind its branch, so a
 * clean checkout is fast-forwarded in place (`merge --ff-only`) and a dirty one is left alone.
 */
export async function advanceBase(repo: string, base: string, expected: string, next: string): Promise<AdvanceOutcome> {
  const checkout = (await listWorktrees(repo)).find((entry) => entry.branch === base);
  if (checkout === undefined) {
    try {
      await gitAt(repo).raw([
        'update-ref',
        '-m',
        'czar: advance base to a green integration tip',
        headRef(base),
        next,
        expected,
      ]);
      return { kind: 'advanced' };
    } catch {
      return { kind: 'moved', now: await revParse(repo, headRef(base)) };
    }
  }
  if ((await dirtyPaths(checkout.path)).length > 0) return { kind: 'checked_out_dirty', worktree: checkout.path };
  const now = await revParse(repo, headRef(base));
  if (now !== expected) return { kind: 'moved', now };
  await step(`fast-forward ${base} in ${checkout.path}`, () =>
    gitAt(checkout.path).raw(['merge', '--ff-only', '--quiet', next]),
  );
  return { kind: 'advanced' };
}

/** `git push -u <remote> <branch>`; the failure says which remote and branch. */
export async function pushBranch(repo: string, remote: string, branch: string): Promise<void> {
  await step(`push ${branch} to ${remote}`, () =>
    gitAt(repo).push(['-u', remote, `refs/heads/${branch}:refs/heads/${branch}`]),
  );
}

/** Subjects of the branch's own commits not on `base` (its first-parent line, merges left out), oldest first. */
export async function commitSubjects(
  repo: string,
  base: string,
  branch: string,
): Promise<{ sha: string; subject: string }[]> {
  try {
    // Its own line of commits: a merge of another branch (the integration branch) brings in that branch's commits.
    const log = await gitAt(repo).log({
      from: headRef(base),
      to: headRef(branch),
      '--reverse': null,
      '--first-parent': null,
      '--no-merges': null,
    });
    return log.all.map((entry) => ({ sha: entry.hash, subject: entry.message }));
  } catch {
    return [];
  }
}
