/**
 * Runs `task` over items with at most `limit` holding a slot at once, in order, starting each at least `staggerMs`
 * after the previous. A task may give its slot back early with `release` and go on outside it (a launch frees its
 * slot once the agent is up, and pastes its task while the next agent starts); its slot is given back when it ends
 * in any case.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  staggerMs: number,
  task: (item: T, release: () => void) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  let free = Math.max(1, limit);
  const waiting: (() => void)[] = [];
  let lastStart = 0;
  const acquire = async (): Promise<void> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    const wait = lastStart + staggerMs - Date.now();
    lastStart = Math.max(Date.now(), lastStart + staggerMs);
    if (staggerMs > 0 && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
  const handBack = (): void => {
    const next = waiting.shift();
    if (next === undefined) free += 1;
    else next();
  };
  return Promise.allSettled(
    items.map(async (item) => {
      await acquire();
      let held = true;
      const release = (): void => {
        if (!held) return;
        held = false;
        handBack();
      };
      try {
        return await task(item, release);
      } finally {
        release();
      }
    }),
  );
}

/**
 * Starts `task` over items, at most `limit` at once, in order, and gives each item's own promise at once: a caller
 * can wait for one item without waiting for the rest. Each promise is marked handled, so one nobody waits for (its
 * worker failed earlier) is not an unhandled rejection; whoever awaits it still gets the failure.
 */
export function startBounded<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R>[] {
  let free = Math.max(1, limit);
  const waiting: (() => void)[] = [];
  const run = async (item: T): Promise<R> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task(item);
    } finally {
      const next = waiting.shift();
      if (next === undefined) free += 1;
      else next();
    }
  };
  return items.map((item) => {
    const promise = run(item);
    promise.catch(() => undefined);
    return promise;
  });
}
