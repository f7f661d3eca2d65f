import { availableParallelism } from 'node:os';
import { execa, type ResultPromise } from 'execa';
import { onTestFinished } from 'vitest';

/**
 * A loaded machine for the real-agent lane: child processes that busy-loop, as a laptop running a dozen agents is
 * (load averages of 3 to 9 on 2 cores). Each child stops by itself after `seconds`, so a test that dies before its
 * cleanup leaves nothing spinning for long; the hog is killed when the test ends, pass or fail.
 */
export interface CpuHog {
  /** How many busy processes run. */
  readonly processes: number;
  stop(): Promise<void>;
}

/** Starts `perCore` busy loops per core (2 by default: every process on the machine gets a third of a core or less). */
export function cpuHog(seconds: number, perCore = 2): CpuHog {
  const processes = availableParallelism() * perCore;
  const loop = `const end = Date.now() + ${Math.round(seconds * 1000)}; while (Date.now() < end) {}`;
  const children: ResultPromise[] = Array.from({ length: processes }, () =>
    execa(process.execPath, ['-e', loop], { stdio: 'ignore', reject: false }),
  );
  const stop = async (): Promise<void> => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children);
  };
  onTestFinished(stop);
  return { processes, stop };
}
