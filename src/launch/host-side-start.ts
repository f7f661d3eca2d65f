import path from 'node:path';
import { makeFolder, pathExists, writeTextFile } from '../adapters/file-system.js';
import { currentBranch, git } from '../adapters/git.js';
import { Tmux } from '../adapters/tmux.js';
import { CzarError } from '../domain/errors.js';
import type { HostStartSpec } from '../domain/host-start.js';

type Made = 'reused' | 'checked-out' | 'created';

/**
 * Run on a host by `czar host-start`: the worker's worktree in the host's clone, its private files and its tmux
 * session, or the session already there, adopted. Nothing is reset, removed or overwritten but czar's own files.
 */
export async function startHere(spec: HostStartSpec): Promise<{ worktree: Made; paneId: string; adopted: boolean }> {
  const worktree = await worktreeHere(spec);
  const tmux = new Tmux(spec.socket, spec.stateDir);
  const adopted = await tmux.paneIdOf(spec.session.name);
  if (adopted !== undefined) {
    await tmux.pipePane(adopted, spec.session.logFile);
    return { worktree, paneId: adopted, adopted: true };
  }
  for (const folder of spec.folders) await makeFolder(folder, 0o700);
  for (const file of spec.files) {
    await makeFolder(path.dirname(file.path), 0o700);
    await writeTextFile(file.path, file.content, 0o600);
  }
  const paneId = await tmux.newSession(spec.session);
  return { worktree, paneId, adopted: false };
}

/**
 * The worktree on its branch: an existing worktree is reused as it is, an existing branch (in the clone or on the
 * remote) is checked out as it is, and a new branch starts from the remote's base and is pushed at once, so the
 * remote (and through it the czar) sees it from the start.
 */
async function worktreeHere(spec: HostStartSpec): Promise<Made> {
  const { host, clone, worktree, branch, base } = spec;
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
    await git(clone, ['worktree', 'add', '--quiet', worktree, branch]);
    return 'checked-out';
  }
  if (refs.has(`refs/remotes/origin/${branch}`)) {
    await git(clone, ['worktree', 'add', '--quiet', '--track', '-b', branch, worktree, `origin/${branch}`]);
    return 'checked-out';
  }
  if (!refs.has(`refs/remotes/origin/${base}`)) {
    throw new CzarError(
      'base_not_on_remote',
      `Base branch "${base}" is not on the remote that host "${host}" clones (remote "${spec.remote}"); push it with "git push ${spec.remote} ${base}".`,
    );
  }
  await git(clone, ['worktree', 'add', '--quiet', '--no-track', '-b', branch, worktree, `origin/${base}`]);
  await git(worktree, ['push', '--quiet', '--set-upstream', 'origin', branch]);
  return 'created';
}

/** Which of these full ref names exist in the repo, in one call. */
async function refsIn(repo: string, refs: readonly string[]): Promise<Set<string>> {
  const listed = await git(repo, ['for-each-ref', '--format=%(refname)', ...refs]);
  return new Set(listed.stdout.split('\n').filter((line) => refs.includes(line)));
}
