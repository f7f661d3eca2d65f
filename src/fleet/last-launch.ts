import { randomUUID } from 'node:crypto';
import { readText, writeAtomic } from '../adapters/state-files.js';
import type { StatePaths } from '../domain/model/paths.js';

/**
 * Each `czar up` that takes the up lock writes a new value here before it changes anything, so that a launch can
 * tell whether another one ran between what it read before the lock and the moment it holds it. Undefined before
 * the first launch.
 */
export async function lastLaunch(paths: StatePaths): Promise<string | undefined> {
  return (await readText(paths.lastLaunch))?.trim();
}

/** Marks a new launch; called under the up lock. Returns the value it replaced. */
export async function markLaunch(paths: StatePaths): Promise<string | undefined> {
  const replaced = await lastLaunch(paths);
  await writeAtomic(paths.lastLaunch, `${randomUUID()}\n`);
  return replaced;
}
