import type { WorkerSpec } from '../model/config-types.js';

/**
 * Who starts: the one rule for a worker that has no agent yet, whether `czar up`'s first wave or the czar later
 * starts it. It starts once every worker it depends on is done and one of `max_active`'s slots is free.
 */

/** The workers `worker` depends on that are not done yet, in its config's order. */
export function waitingFor(worker: WorkerSpec, done: (dependency: string) => boolean): string[] {
  return worker.dependsOn.filter((dependency) => !done(dependency));
}

/** Whether a worker may take up work (start, or a bonus task) with `active` of `max_active`'s slots taken. */
export function slotFree(active: number, maxActive: number): boolean {
  return active < maxActive;
}

/** Why `worker` waits, or undefined when it starts now; `active`: the slots taken. */
export function waitsBecause(
  worker: WorkerSpec,
  done: (dependency: string) => boolean,
  active: number,
  maxActive: number,
): string | undefined {
  const waiting = waitingFor(worker, done);
  if (waiting.length > 0) return `waits for ${waiting.join(', ')}`;
  if (!slotFree(active, maxActive)) return `max_active is ${maxActive}`;
  return undefined;
}
