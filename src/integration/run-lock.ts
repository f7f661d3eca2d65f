import { acquireLock } from '../adapters/lock-file.js';
import { CzarError } from '../domain/model/errors.js';
import { Turns } from '../fleet/turns.js';

/** In this process, runs on one lock take turns. */
const turns = new Turns();

/**
 * Runs `work` holding the lock file: in this process the runs queue up; another process (the czar or a second
 * `czar integrate`) holding it makes this one fail at once with what to do. A lock whose process is gone is taken over.
 */
export async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  const giveBack = await turns.take(lock);
  try {
    const release = await acquireLock(lock, {
      timeoutMs: 0,
      heldError: (holder) =>
        new CzarError(
          'integration_locked',
          `Another czar process (pid ${holder.pid}) is integrating right now (lock ${lock}); wait for it to finish and run "czar integrate" again.`,
        ),
    });
    try {
      return await work();
    } finally {
      await release();
    }
  } finally {
    giveBack();
  }
}
