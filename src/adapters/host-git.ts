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
