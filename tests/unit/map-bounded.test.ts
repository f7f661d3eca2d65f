import { describe, expect, it } from 'vitest';
import { mapBounded, startBounded } from '../../src/fleet/map-bounded.js';

/** A promise with its resolve, to let a task go on when the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('mapBounded', () => {
  it('holds at most `limit` slots, starts items in order, and keeps results in order, failures included', async () => {
    const gates = [gate(), gate(), gate()];
    const started: number[] = [];
    const run = mapBounded([0, 1, 2], 2, 0, async (index) => {
      started.push(index);
      await gates[index]?.promise;
      if (index === 1) throw new Error('one failed');
      return index * 10;
    });
    await tick();
    expect(started).toEqual([0, 1]);
    gates[1]?.open();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.open();
    gates[2]?.open();
    const results = await run;
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : 'failed'))).toEqual([
      0,
      'failed',
      20,
    ]);
  });

  it('lets a task give its slot back early and go on outside it', async () => {
    const first = gate();
    const started: number[] = [];
    const run = mapBounded([0, 1], 1, 0, async (index, release) => {
      started.push(index);
      if (index === 0) {
        release();
        release();
        await first.promise;
      }
      return index;
    });
    await tick();
    // The first still runs, but its slot went to the second; a second release gave back nothing more.
    expect(started).toEqual([0, 1]);
    first.open();
    expect((await run).map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
  });
});

describe('startBounded', () => {
  it('runs at most `limit` at once, in order, and settles each item on its own, a failure unawaited included', async () => {
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const items = startBounded([0, 1, 2, 3], 2, async (index) => {
        started.push(index);
        await gates[index]?.promise;
        if (index === 0) throw new Error('nobody waits for this one');
        return index * 10;
      });
      await tick();
      expect(started).toEqual([0, 1]);
      gates[1]?.open();
      // Item 1 is there before item 0 ends: a caller waits for its own item only.
      expect(await items[1]).toBe(10);
      await tick();
      expect(started).toEqual([0, 1, 2]);
      gates[0]?.open();
      await tick();
      expect(started).toEqual([0, 1, 2, 3]);
      gates[2]?.open();
      gates[3]?.open();
      expect(await Promise.all([items[2], items[3]])).toEqual([20, 30]);
      await expect(items[0]).rejects.toThrow('nobody waits for this one');
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
