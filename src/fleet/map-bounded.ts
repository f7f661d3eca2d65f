/** Runs `task` over items with at most `limit` at once, starting each at least `staggerMs` after the previous. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  staggerMs: number,
  task: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  let lastStart = 0;
  const lane = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      const item = items[index];
      if (index >= items.length || item === undefined) return;
      const wait = lastStart + staggerMs - Date.now();
      lastStart = Math.max(Date.now(), lastStart + staggerMs);
      if (staggerMs > 0 && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        results[index] = { status: 'fulfilled', value: await task(item) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
