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
