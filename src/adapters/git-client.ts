import { existsSync } from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { CzarError } from '../domain/model/errors.js';
import { GitExit } from './git-errors.js';
import { cleanEnv, run, type RunResult } from './process.js';

const clients = new Map<string, SimpleGit>();

/** Folders whose repositories czar reads as a stranger's: the boxed workers' own (see `readAsStrangers`). */
const strangerRoots = new Set<string>();

/**
 * Every git call czar makes under `root` runs with the repository's hooks and file-system monitor switched off: the
 * repositories there are boxed workers' own, whose config and hooks a worker may have written, and nothing it planted
 * may run as czar. (An alias cannot shadow the built-in commands czar runs.)
 */
export function readAsStrangers(root: string): void {
  const resolved = path.resolve(root);
  strangerRoots.add(resolved);
  for (const cwd of clients.keys()) if (under(resolved, cwd)) clients.delete(cwd);
}

function under(root: string, dir: string): boolean {
  return dir === root || dir.startsWith(`${root}${path.sep}`);
}

/** What czar's git calls in a stranger's repository set over its config. */
export const STRANGER_CONFIG = ['core.hooksPath=/dev/null', 'core.fsmonitor=false'] as const;

/**
 * The simple-git client for one folder, made once. Every call runs `git --no-optional-locks` (and
 * GIT_OPTIONAL_LOCKS=0) so that watching a worktree never takes `index.lock` from under a worker's own commit or
 * rebase. simple-git refuses some environment variables (EDITOR, PAGER, GIT_SSH_COMMAND, GIT_CONFIG_GLOBAL...)
 * because they could run programs; here they are the person's own environment, which git has always read, so they
 * are allowed. Any non-zero exit is an error (simple-git alone lets some through when stderr is empty).
 * simple-git 3.36 answers a command that wrote nothing on stdout or stderr 50 ms after it ended (measured: a quiet
 * `git worktree add` 70 ms against 20): commands on a hot path leave their own output on (no --quiet) where it is
 * harmless.
 */
export function client(cwd: string): SimpleGit {
  let found = clients.get(cwd);
  if (found !== undefined) return found;
  if (!existsSync(cwd)) {
    throw new CzarError(
      'cwd_missing',
      `The folder ${cwd} does not exist, so git cannot run there; create it or fix the path that names it.`,
    );
  }
  found = simpleGit({
    baseDir: cwd,
    binary: ['git', NO_LOCKS],
    config: configFor(cwd),
    maxConcurrentProcesses: 8,
    trimmed: false,
    unsafe: {
      allowUnsafeEditor: true,
      allowUnsafePager: true,
      allowUnsafeAskPass: true,
      allowUnsafeConfigPaths: true,
      allowUnsafeConfigEnvCount: true,
      allowUnsafeSshCommand: true,
      allowUnsafeGitProxy: true,
      allowUnsafeTemplateDir: true,
      allowUnsafeDiffExternal: true,
      // czar sets it itself, to /dev/null, when it reads a boxed worker's repository (its hooks must never run as czar).
      allowUnsafeHooksPath: true,
      allowUnsafeFsMonitor: true,
    },
    errors: (error, result) => {
      if (result.exitCode === 0) return error;
      return new GitExit(
        result.exitCode,
        Buffer.concat(result.stdOut).toString('utf8'),
        Buffer.concat(result.stdErr).toString('utf8'),
      );
    },
  }).env(gitEnv());
  clients.set(cwd, found);
  return found;
}

const NO_LOCKS = '--no-optional-locks';

/** Paths with non-ASCII characters come back as written, not as quoted octal escapes; a stranger's hooks stay off. */
function configFor(cwd: string): string[] {
  const stranger = [...strangerRoots].some((root) => under(root, path.resolve(cwd)));
  return ['core.quotePath=false', ...(stranger ? STRANGER_CONFIG : [])];
}

function gitEnv(): Record<string, string> {
  return cleanEnv({ GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' });
}

/**
 * One git command that reads its stdin (`merge-tree --stdin`), run as the client runs git (the same flags, config and
 * environment): simple-git 3.36 cannot write to a command's stdin. Any exit comes back as `exitCode`.
 */
export function gitWithInput(
  cwd: string,
  args: readonly string[],
  input: string,
  options: { background?: boolean } = {},
): Promise<RunResult> {
  const config = configFor(cwd).flatMap((setting) => ['-c', setting]);
  return run('git', [NO_LOCKS, ...config, ...args], { cwd, input, env: gitEnv(), allowFailure: true, ...options });
}
