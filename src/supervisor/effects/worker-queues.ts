import { Turns } from '../../fleet/turns.js';

/**
 * One queue of effects per worker: two pastes never interleave in one pane, while different workers proceed in
 * parallel, and an effect never blocks the reconcile loop.
 */
export class WorkerQueues {
  private readonly turns = new Turns();
  /** Per worker, how many effects are queued or running. */
  private readonly pending = new Map<string, number>();

  /** `settled`: told after each effect ends, whichever way (the loop looks again). */
  constructor(private readonly settled: () => void) {}

  /** Runs `effect` after everything already queued for `worker`; resolves with its outcome. */
  async enqueue<T>(worker: string, effect: () => Promise<T>): Promise<T> {
    this.pending.set(worker, (this.pending.get(worker) ?? 0) + 1);
    const giveBack = await this.turns.take(worker);
    try {
      return await effect();
    } finally {
      giveBack();
      const left = (this.pending.get(worker) ?? 1) - 1;
      if (left === 0) this.pending.delete(worker);
      else this.pending.set(worker, left);
      this.settled();
    }
  }

  /** True while an effect is queued or running for the worker (the loop holds new pastes until it is free). */
  busy(worker: string): boolean {
    return this.pending.has(worker);
  }
}
