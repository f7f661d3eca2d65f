import path from 'node:path';
import { CzarError } from '../domain/errors.js';
import { git, revParse } from './git.js';
import { listWorktrees } from './git-worktrees.js';
import type { RemoteRunOptions, SshConnection } from './ssh.js';
import type { RunResult } from './process.js';

/** The URL a remote of the local repo points at (what a host clones), or undefined when there is no such remote. */
export async function remoteUrl(repo: string, remote: string): Promise<string | undefined> {
  const result = await git(repo, ['remote', 'get-url', '--', remote], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** git on a host: never prompting for credentials (a prompt would hang the launch), messages in English. */
function hostGit(ssh: SshConnection, args: readonly string[], options: RemoteRunOptions = {}): Promise<RunResult> {
  return ssh.run(['env', 'GIT_TERMINAL_PROMPT=0', 'LC_ALL=C', 'git', ...args], options);
}

async function succeeds(ssh: SshConnection, args: readonly string[]): Promise<boolean> {
  return (await hostGit(ssh, args, { allowFailure: true })).exitCode === 0;
}

/** Clones `url` to `clone` on the host the first time, and fetches it every other time: launches start from the remote's tips. */
export async function syncHostClone(ssh: SshConnection, url: string, clone: string): Promise<'cloned' | 'fetched'> {
  if (await succeeds(ssh, ['-C', clone, 'rev-parse', '--git-dir'])) {
    await hostGit(ssh, ['-C', clone, 'fetch', '--quiet', '--prune', 'origin']);
    return 'fetched';
  }
  await ssh.run(['mkdir', '-p', '--', path.posix.dirname(clone)]);
  await hostGit(ssh, ['clone', '--quiet', '--', url, clone]);
  return 'cloned';
}

/**
 * A worker's worktree on its host, on its branch: an existing worktree is reused as it is, an existing branch (in the
 * clone or on the remote) is checked out as it is, and a new branch starts from the remote's base and is pushed at
 * once, so the remote (and through it the czar) sees it from the start. Nothing is reset or removed.
 */
export async function addHostWorktree(
  ssh: SshConnection,
  clone: string,
  worktree: string,
  branch: string,
  base: string,
): Promise<'reused' | 'checked-out' | 'created'> {
  if (await succeeds(ssh, ['-C', worktree, 'rev-parse', '--git-dir'])) {
    const head = (
      await hostGit(ssh, ['-C', worktree, 'symbolic-ref', '--quiet', '--short', 'HEAD'], { allowFailure: true })
    ).stdout.trim();
    if (head === branch) return 'reused';
    throw new CzarError(
      'host_worktree_mismatch',
      `${worktree} on host "${ssh.host.name}" is a git worktree on "${head || 'a detached HEAD'}", not on "${branch}"; move it away or check out ${branch} there.`,
    );
  }
  if ((await ssh.run(['test', '-e', worktree], { allowFailure: true })).exitCode === 0) {
    throw new CzarError(
      'host_worktree_exists',
      `${worktree} on host "${ssh.host.name}" exists but is not a git worktree; move it away, czar never overwrites it.`,
    );
  }
  await ssh.run(['mkdir', '-p', '--', path.posix.dirname(worktree)]);
  if (await succeeds(ssh, ['-C', clone, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])) {
    await hostGit(ssh, ['-C', clone, 'worktree', 'add', '--quiet', worktree, branch]);
    return 'checked-out';
  }
  if (await succeeds(ssh, ['-C', clone, 'rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`])) {
    await hostGit(ssh, [
      '-C',
      clone,
      'worktree',
      'add',
      '--quiet',
      '--track',
      '-b',
      branch,
      worktree,
      `origin/${branch}`,
    ]);
    return 'checked-out';
  }
  if (!(await succeeds(ssh, ['-C', clone, 'rev-parse', '--verify', '--quiet', `refs/remotes/origin/${base}`]))) {
    throw new CzarError(
      'base_not_on_remote',
      `Base branch "${base}" is not on the remote that host "${ssh.host.name}" clones (remote "${ssh.host.remote}"); push it with "git push ${ssh.host.remote} ${base}".`,
    );
  }
  await hostGit(ssh, [
    '-C',
    clone,
    'worktree',
    'add',
    '--quiet',
    '--no-track',
    '-b',
    branch,
    worktree,
    `origin/${base}`,
  ]);
  await hostGit(ssh, ['-C', worktree, 'push', '--quiet', '--set-upstream', 'origin', branch]);
  return 'created';
}

/** Writes a file on the host through stdin (settings an agent preset needs), creating its folder private to the user. */
export async function writeHostFile(ssh: SshConnection, file: string, content: string): Promise<void> {
  await ssh.run(['mkdir', '-p', '-m', '0700', '--', path.posix.dirname(file)]);
  // `cat` is the one portable way to write stdin to a path; the path is a positional parameter, not spliced in.
  await ssh.run(['sh', '-c', 'umask 077 && cat > "$1"', 'czar-write', file], { input: content });
}

/** Pushes a worker's branch from its worktree on the host to the shared remote (the clone's origin). */
export async function pushFromHost(ssh: SshConnection, worktree: string, branch: string): Promise<void> {
  await hostGit(ssh, ['-C', worktree, 'push', '--quiet', 'origin', `refs/heads/${branch}:refs/heads/${branch}`]);
}

/**
 * Brings a branch from the shared remote into the local repo, fast-forward only: a local branch of that name that
 * went another way is never overwritten (git refuses, and the caller says so).
 */
export async function fetchBranch(repo: string, remote: string, branch: string): Promise<void> {
  await git(repo, ['fetch', '--quiet', remote, `refs/heads/${branch}:refs/heads/${branch}`]);
}

/**
 * Moves a branch here to a host worker's tip whose commit this repo already has (a new worker's tip is the base, and
 * every stream start sends every tip), fast-forward only and with no ssh: a push and fetch cost ~200 ms each and held
 * the worker's next report. False when the commit is not here, the move is not a fast-forward or the branch is checked
 * out here: the push and fetch then decide, and refuse what must be refused.
 */
export async function fastForwardHere(repo: string, branch: string, sha: string): Promise<boolean> {
  if ((await revParse(repo, sha)) !== sha) return false;
  const current = await revParse(repo, `refs/heads/${branch}`);
  if (current === sha) return true;
  if (
    current !== undefined &&
    (await git(repo, ['merge-base', '--is-ancestor', current, sha], { allowFailure: true })).exitCode !== 0
  )
    return false;
  // A branch that is not here yet is checked out nowhere here.
  if (current !== undefined && (await listWorktrees(repo)).some((worktree) => worktree.branch === branch)) return false;
  // The old value makes git refuse if the branch moved (or appeared) since it was read.
  const moved = await git(repo, ['update-ref', `refs/heads/${branch}`, sha, current ?? ''], { allowFailure: true });
  return moved.exitCode === 0;
}
