import path from 'node:path';
import { makeFolder, pathExists, writeTextFile } from '../adapters/file-system.js';
import { currentBranch, git } from '../adapters/git.js';
import { Tmux } from '../adapters/tmux.js';
import type { CzarErrorCode } from '../domain/model/error-codes.js';
import { CzarError } from '../domain/model/errors.js';
import type { HostPrepareSpec, HostRefusal, HostWorkerAnswer, HostWorkerSpec } from '../domain/model/host-prepare.js';
import { boxHere } from '../launch/host-box.js';

type Made = 'reused' | 'checked-out' | 'created';

/**
 * Run on a host by `czar host-prepare`: the host's clone fetched, then each worker's worktree in it and, for a worker
 * with no session there yet, its private files; new branches are pushed together at the end. One worker's refusal does
 * not stop the others. Nothing is reset, removed or overwritten but czar's own files.
 */
export async function prepareHere(spec: HostPrepareSpec): Promise<HostWorkerAnswer[]> {
  await syncClone(spec);
  const running = new Set(await new Tmux(spec.socket).listSessions());
  for (const folder of spec.folders) await makeFolder(folder, 0o700);
  const answers: HostWorkerAnswer[] = [];
  const created: HostWorkerSpec[] = [];
  // One at a time: git 2.39 reads every other worktree's admin folder while adding one, and fails on a half-made one.
  // Neither the adds nor the push are --quiet: git then says what it did, and the git adapter answers at once (see
  // `client`).
  for (const worker of spec.workers) {
    try {
      const worktree = await worktreeHere(spec, worker);
      if (worktree === 'created') created.push(worker);
      const isRunning = running.has(worker.session);
      if (!isRunning) {
        for (const file of worker.files) {
          await makeFolder(path.dirname(file.path), 0o700);
          await writeTextFile(file.path, file.content, 0o600);
        }
      }
      // A running session keeps its box as it was made: only a new one is boxed (or refused) again.
      const box = isRunning ? undefined : await boxHere(spec, worker);
      answers.push({ session: worker.session, worktree, running: isRunning, ...(box === undefined ? {} : { box }) });
    } catch (error) {
      answers.push({ session: worker.session, error: refusalOf(error) });
    }
  }
  const refused = await pushNewBranches(spec, created);
  return answers.map((answer) => {
    const refusal = refused.get(answer.session);
    return refusal === undefined ? answer : { session: answer.session, error: refusal };
  });
}

/**
 * Clones the shared remote the first time and fetches it every other time: launches start from the remote's tips.
 * Verbose, so that git says something even when nothing is new (see the git adapter's `client`).
 */
async function syncClone(spec: HostPrepareSpec): Promise<void> {
  const { clone, url } = spec;
  if (
    (await pathExists(clone)) &&
    (await git(clone, ['rev-parse', '--git-dir'], { allowFailure: true })).exitCode === 0
  ) {
    await git(clone, ['fetch', '--verbose', '--prune', 'origin']);
    return;
  }
  await makeFolder(path.dirname(clone));
  await git(path.dirname(clone), ['clone', '--', url, clone]);
}

/**
 * New branches go to the remote at once, in one push, so the remote (and through it the czar) sees them from the
 * start. Returns, by worker, why its branch did not get there: the remote may refuse some branches and take the rest
 * (a hook), or the push may fail as a whole.
 */
async function pushNewBranches(
  spec: HostPrepareSpec,
  created: readonly HostWorkerSpec[],
): Promise<Map<string, HostRefusal>> {
  if (created.length === 0) return new Map();
  const branches = created.map((worker) => worker.branch);
  const pushed = await git(spec.clone, ['push', '--porcelain', '--set-upstream', 'origin', ...branches], {
    allowFailure: true,
  });
  if (pushed.exitCode === 0) return new Map();
  // `!<tab>refs/heads/<branch>:refs/heads/<branch><tab><summary>` for each ref the remote did not take.
  const rejected = new Map(
    pushed.stdout.split('\n').flatMap((line) => {
      const [flag, refs = '', summary = ''] = line.split('\t');
      const branch = refs.split(':')[0]?.replace(/^refs\/heads\//, '');
      return flag === '!' && branch !== undefined ? [[branch, summary] as const] : [];
    }),
  );
  const why = pushed.stderr.trim().split('\n').at(-1) ?? '';
  return new Map(
    created
      .filter((worker) => rejected.size === 0 || rejected.has(worker.branch))
      .map((worker) => [
        worker.session,
        refusal(
          'host_push_refused',
          `Host "${spec.host}" could not push the new branch ${worker.branch} to remote "${spec.remote}" (${rejected.get(worker.branch) ?? why}); let that remote take it, then launch again.`,
        ),
      ]),
  );
}

/** A failure as the host's answer carries it: a CzarError's code and sentence. */
export function refusalOf(error: unknown): HostRefusal {
  return refusal(
    error instanceof CzarError ? error.code : 'host_prepare_failed',
    error instanceof Error ? error.message : String(error),
  );
}

function refusal(code: CzarErrorCode, message: string): HostRefusal {
  // The launching czar refuses a longer one, and with it the whole answer.
  return { code, message: message.slice(0, 2000) };
}

/**
 * The worktree on its branch: an existing worktree is reused as it is, an existing branch (in the clone or on the
 * remote) is checked out as it is, and a new branch starts from the remote's base. A worker that asks for a box gets
 * a repository of its own instead of a linked worktree (a `git clone --shared` of the host's clone, as on the
 * launching machine): a linked worktree's refs and objects are the clone's, which every sibling's branch shares.
 */
async function worktreeHere(spec: HostPrepareSpec, worker: HostWorkerSpec): Promise<Made> {
  const ownRepo = worker.box !== undefined;
  const { host, clone, base } = spec;
  const { worktree, branch } = worker;
  if (await pathExists(worktree)) {
    const inGit = await git(worktree, ['rev-parse', '--git-dir'], { allowFailure: true });
    if (inGit.exitCode !== 0)
      throw new CzarError(
        'host_worktree_exists',
        `${worktree} on host "${host}" exists but is not a git worktree; move it away, czar never overwrites it.`,
      );
    const head = await currentBranch(worktree);
    if (head === branch) return 'reused';
    throw new CzarError(
      'host_worktree_mismatch',
      `${worktree} on host "${host}" is a git worktree on "${head ?? 'a detached HEAD'}", not on "${branch}"; move it away or check out ${branch} there.`,
    );
  }
  const refs = await refsIn(clone, [
    `refs/heads/${branch}`,
    `refs/remotes/origin/${branch}`,
    `refs/remotes/origin/${base}`,
  ]);
  if (refs.has(`refs/heads/${branch}`)) {
    if (ownRepo) await ownRepoHere(spec, worker);
    else await git(clone, ['worktree', 'add', worktree, branch]);
    return 'checked-out';
  }
  if (refs.has(`refs/remotes/origin/${branch}`)) {
    if (ownRepo) {
      await git(clone, ['branch', '--track', branch, `origin/${branch}`]);
      await ownRepoHere(spec, worker);
    } else await git(clone, ['worktree', 'add', '--track', '-b', branch, worktree, `origin/${branch}`]);
    return 'checked-out';
  }
  if (!refs.has(`refs/remotes/origin/${base}`)) {
    throw new CzarError(
      'base_not_on_remote',
      `Base branch "${base}" is not on the remote that host "${host}" clones (remote "${spec.remote}"); push it with "git push ${spec.remote} ${base}".`,
    );
  }
  if (ownRepo) {
    await git(clone, ['branch', '--no-track', branch, `origin/${base}`]);
    await ownRepoHere(spec, worker);
  } else await git(clone, ['worktree', 'add', '--no-track', '-b', branch, worktree, `origin/${base}`]);
  return 'created';
}

/**
 * A boxed worker's repository of its own on its branch: objects borrowed from the host's clone, refs its own, and its
 * origin the shared remote, which czar pushes its branch to from there. It gets the host's git identity (its box hides
 * the home's git config).
 */
async function ownRepoHere(spec: HostPrepareSpec, worker: HostWorkerSpec): Promise<void> {
  const { clone, url } = spec;
  const { worktree, branch } = worker;
  await makeFolder(path.dirname(worktree));
  await git(path.dirname(worktree), [
    ...['clone', '--quiet', '--shared', '--no-tags', '--branch', branch],
    ...['--', clone, worktree],
  ]);
  await git(worktree, ['remote', 'set-url', 'origin', url]);
  for (const key of ['user.name', 'user.email']) {
    const value = await git(clone, ['config', '--get', key], { allowFailure: true });
    if (value.exitCode === 0) await git(worktree, ['config', key, value.stdout.trim()]);
  }
}

/** Which of these full ref names exist in the repo, in one call. */
async function refsIn(repo: string, refs: readonly string[]): Promise<Set<string>> {
  const listed = await git(repo, ['for-each-ref', '--format=%(refname)', ...refs]);
  return new Set(listed.stdout.split('\n').filter((line) => refs.includes(line)));
}
