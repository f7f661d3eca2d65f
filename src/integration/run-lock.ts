import { acquireLock } from '../adapters/lock-file.js';
import { CzarError } from '../domain/model/errors.js';

/**
 * Runs `work` holding the lock file: in this process the runs queue up; another process (the czar or a second
 * `czar integrate`) holding it makes this one fail at once with what to do. A lock whose process is gone is taken over.
 */
const chains = new Map<string, Promise<unknown>>();

export async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  const previous = chains.get(lock) ?? Promise.resolve();
  const next = previous.then(async () => {
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
  });
  chains.set(
    lock,
    next.catch(() => undefined),
  );
  return next;
}
