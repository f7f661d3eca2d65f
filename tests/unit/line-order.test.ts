import { describe, expect, it } from 'vitest';
import { LineOrder } from '../../src/supervisor/sources/line-order.js';
import { waitFor } from '../helpers/wait.js';

/** An apply that finishes when the test says so, and records when it started and ended. */
function step(log: string[], name: string): { apply: () => Promise<void>; finish: () => void } {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  return {
    apply: async () => {
      log.push(`${name} start`);
      await finished;
      log.push(`${name} end`);
    },
    finish,
  };
}

const instant = (log: string[], name: string) => async (): Promise<void> => void log.push(name);

describe('the order of a host stream lines', () => {
  it("applies another worker's report while a worker's tip is still being published", async () => {
    const log: string[] = [];
    const order = new LineOrder();
    const tip = step(log, 'w1 tip');
    order.add('w1', 'tip', tip.apply);
    order.add('w2', 'other', instant(log, 'w2 report'));
    await waitFor(() => log.includes('w2 report'), { timeoutMs: 1_000, what: "w2's report" });
    expect(log).not.toContain('w1 tip end');
    tip.finish();
  });

  it("holds a worker's report until its own tip before it is published", async () => {
    const log: string[] = [];
    const order = new LineOrder();
    const tip = step(log, 'w1 tip');
    order.add('w1', 'tip', tip.apply);
    order.add('w1', 'other', instant(log, 'w1 report'));
    order.add('w2', 'other', instant(log, 'w2 report'));
    await waitFor(() => log.includes('w2 report'), { timeoutMs: 1_000, what: "w2's report" });
    expect(log).not.toContain('w1 report');
    tip.finish();
    await waitFor(() => log.includes('w1 report'), { timeoutMs: 1_000, what: "w1's report" });
    expect(log.slice(-2)).toEqual(['w1 tip end', 'w1 report']);
  });

  it('publishes tips one at a time, whichever worker they belong to', async () => {
    const log: string[] = [];
    const order = new LineOrder();
    const first = step(log, 'w1 tip');
    order.add('w1', 'tip', first.apply);
    order.add('w2', 'tip', instant(log, 'w2 tip'));
    order.add('w3', 'other', instant(log, 'w3 output'));
    await waitFor(() => log.includes('w3 output'), { timeoutMs: 1_000, what: "w3's output" });
    expect(log).not.toContain('w2 tip');
    first.finish();
    await waitFor(() => log.includes('w2 tip'), { timeoutMs: 1_000, what: "w2's tip" });
    expect(log.slice(-2)).toEqual(['w1 tip end', 'w2 tip']);
  });

  it("keeps one worker's lines in arrival order, and a failed one does not stop the next", async () => {
    const log: string[] = [];
    const order = new LineOrder();
    order.add('w1', 'other', async () => {
      log.push('chunk 1');
      throw new Error('disk full');
    });
    order.add('w1', 'other', instant(log, 'chunk 2'));
    order.add('w1', 'other', instant(log, 'chunk 3'));
    await waitFor(() => log.includes('chunk 3'), { timeoutMs: 1_000, what: 'the third chunk' });
    expect(log).toEqual(['chunk 1', 'chunk 2', 'chunk 3']);
  });
});
