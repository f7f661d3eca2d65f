import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * Workers on SSH hosts: how a host is named and laid out, pure. The ssh adapter runs the commands; this
 * file only decides paths and words.
 */

/** A machine reached over SSH that runs some of the fleet's workers in its own tmux server and clone. */
export interface HostSpec {
  /** Name used in `workers[].host`, events and the dashboard. */
  readonly name: string;
  /** What ssh gets as its destination: `user@host`, `host` or a Host alias from the ssh config. */
  readonly destination: string;
  /** The port written as `user@host:port`; undefined leaves it to the ssh config (default 22). */
  readonly port: number | undefined;
  /** Absolute folder on the host that holds czar's clone and worktrees (one sub-folder per project). */
  readonly worktrees: string;
  /** At most this many of the fleet's workers run on the host. */
  readonly maxWorkers: number;
  /** Absolute local path of an ssh config file passed as `ssh -F`, or undefined for the user's own. */
  readonly sshConfig: string | undefined;
  /** The local repo's remote whose URL the host clones; branches travel between machines through it. */
  readonly remote: string;
}

/** The hosts a fleet's workers run on, each once, in config order; this machine is not one. */
export function usedHosts(workers: readonly { readonly host?: string | undefined }[]): string[] {
  return [...new Set(workers.flatMap((worker) => (worker.host === undefined ? [] : [worker.host])))];
}

/** The parts of `user@host:port` or an alias; undefined when it could be read as an ssh option or has spaces. */
export function parseSshTarget(text: string): { destination: string; port: number | undefined } | undefined {
  const match = /^((?:[A-Za-z0-9._][A-Za-z0-9._-]*@)?[A-Za-z0-9._][A-Za-z0-9._-]*)(?::(\d{1,5}))?$/.exec(text);
  if (match === null) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65_535)) return undefined;
  return { destination: match[1] ?? text, port };
}

/** The project's folder on a host: the clone and the workers' worktrees live in it. */
export function hostProjectDir(host: Pick<HostSpec, 'worktrees'>, project: string): string {
  return path.posix.join(host.worktrees, project);
}

/** The host's clone of the shared remote, from which its workers' worktrees are added. */
export function hostClonePath(host: Pick<HostSpec, 'worktrees'>, project: string): string {
  return path.posix.join(hostProjectDir(host, project), 'clone');
}

/** Where a worker's worktree lives on its host. */
export function hostWorktreePath(host: Pick<HostSpec, 'worktrees'>, project: string, worker: string): string {
  return path.posix.join(hostProjectDir(host, project), 'workers', worker);
}

/** The fleet's state dir on a host: its workers' reports, pane logs and agent settings, which `czar watch` streams. */
export function hostStateDir(host: Pick<HostSpec, 'worktrees'>, project: string): string {
  return path.posix.join(hostProjectDir(host, project), 'state');
}

/**
 * A unix socket path holds at most 104 bytes on macOS (108 on Linux), and ssh adds a 17-character suffix while it
 * creates the control socket; a state dir deep in a home folder would pass that. Past this length the socket goes to
 * a short per-user folder instead, named by a hash so two fleets never share one.
 */
export const MAX_CONTROL_PATH = 80;

/** The ControlPath of a host's multiplexed connection: in the state dir when short enough, else under `shortDir`. */
export function controlSocketPath(stateDir: string, hostName: string, shortDir: string): string {
  const preferred = path.join(stateDir, 'ssh', hostName);
  if (preferred.length <= MAX_CONTROL_PATH) return preferred;
  const digest = createHash('sha256').update(`${stateDir}\0${hostName}`).digest('hex').slice(0, 16);
  return path.join(shortDir, digest);
}

/**
 * One remote command line from an argument array: every word single-quoted for the POSIX shell sshd runs it in.
 * This is the only place czar quotes for a remote shell.
 */
export function remoteCommandLine(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}

function quoteWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
