import { readFile } from 'node:fs/promises';

/**
 * Questions about other processes answered from /proc and signal 0, without starting one: light enough for the
 * commands that must answer fast (`czar status`), which do not load the process runner.
 */

/** Whether a process with this pid runs (one owned by another user counts: signalling it is refused, not absent). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process runs and is not a zombie waiting for its parent to reap it (a zombie has stopped for good). */
export async function processRunning(pid: number): Promise<boolean> {
  if (!processAlive(pid)) return false;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return !/^\d+ \(.*\) Z/s.test(stat);
}

/** The argument vector of a running process, or undefined when it is gone or cannot be read. */
export async function processArgv(pid: number): Promise<string[] | undefined> {
  const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return text === undefined || text === '' ? undefined : text.replace(/\0$/, '').split('\0');
}
