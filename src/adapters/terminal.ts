import { closeSync } from 'node:fs';
import { execa } from 'execa';

/**
 * Runs a program that takes over the person's terminal (a pager, tmux attach) and returns its exit code, or
 * undefined when the program could not start at all.
 */
export async function runInteractive(
  file: string,
  args: readonly string[],
  env?: Record<string, string>,
): Promise<number | undefined> {
  const result = await execa(file, [...args], {
    stdio: 'inherit',
    reject: false,
    ...(env === undefined ? {} : { env, extendEnv: false }),
  });
  return result.failed && result.exitCode === undefined ? undefined : (result.exitCode ?? 1);
}

/**
 * Lets go of the standard streams of a terminal that hung up, just before the process exits: on exit node puts back
 * the terminal settings it found at start, which fails on a terminal that is gone (EIO), and node 20 then aborts with
 * a failed assertion and a segfault instead of the exit status asked for. A closed stream is one it skips, and nothing
 * more can be shown on a terminal that is gone.
 */
export function letGoOfHungUpTerminal(): void {
  for (const fd of [0, 1, 2]) {
    try {
      closeSync(fd);
    } catch {
      // Closed already: nothing to let go of.
    }
  }
}
