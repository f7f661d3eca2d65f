import { GitError } from 'simple-git';
import { CzarError } from '../domain/model/errors.js';

/**
 * A git exit other than 0, carried through simple-git so callers that ask for it get the code, not an exception.
 * It is a GitError because simple-git passes those through as they are and wraps anything else in a new one.
 */
export class GitExit extends GitError {
  constructor(
    readonly exitCode: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(undefined, gitFailureReason(stderr));
  }
}

/** What the system says when a write fails: kept in the reason, since git's own words often leave it out. */
const SYSTEM_CAUSE =
  /No space left on device|Disk quota exceeded|File name too long|Read-only file system|Permission denied/;

/**
 * The line of git's stderr that says why it failed: the fatal line, else the first error, else the first line
 * (git 2.39's "worktree add" starts with "Preparing worktree ..."). A system cause or a failed write found on
 * another line is added, since on a full disk git ends with "Could not reset index file" and names no cause.
 */
export function gitFailureReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const main = (
    lines.findLast((line) => line.startsWith('fatal:')) ??
    lines.find((line) => line.startsWith('error:')) ??
    lines[0] ??
    ''
  ).replace(/\.$/, '');
  if (SYSTEM_CAUSE.test(main)) return main;
  const cause = lines.find((line) => SYSTEM_CAUSE.test(line));
  if (cause !== undefined) return `${main} (${cause})`;
  const write = lines.find((line) => /unable to (write|create) file/.test(line));
  const hint = 'the disk or a quota is full, or the folder is not writable';
  if (write === undefined) return main;
  return write === main ? `${main} (${hint})` : `${main} (${write}: ${hint})`;
}

/** Turns what simple-git threw into czar's error: which command, the exit and git's own first line. */
export function czarError(args: readonly string[], error: unknown): CzarError {
  if (error instanceof CzarError) return error;
  const command = `git ${args.join(' ')}`;
  const exit = exitOf(error);
  if (exit !== undefined) {
    const reason = exit.message;
    return new CzarError(
      'command_failed',
      `"${command}" exited with ${exit.exitCode}${reason === '' ? '' : `: ${reason}`}.`,
      {
        details: [exit.stderr.trim()].filter((line) => line !== ''),
        cause: error,
      },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/ENOENT/.test(message))
    return new CzarError(
      'command_missing',
      '"git" was not found on PATH; install it or fix PATH, then run the command again.',
      { cause: error },
    );
  return new CzarError('command_failed', `"${command}" could not run: ${message}.`, { cause: error });
}

/** The git exit behind what simple-git threw, if git ran at all. */
export function exitOf(error: unknown): GitExit | undefined {
  return error instanceof GitExit ? error : undefined;
}
