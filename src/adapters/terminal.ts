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
