/**
 * One queue of effects per worker: two pastes never interleave in one pane, while different workers proceed in
 * parallel, and an effect never blocks the reconcile loop.
 */
export class WorkerQueues {
  private readonly queues = new Map<string, Promise<void>>();

  /** `settled`: told after each effect ends, whichever way (the loop looks again). */
  constructor(private readonly settled: () => void) {}

  /** Runs `effect` after everything already queued for `worker`; resolves with its outcome. */
  enqueue<T>(worker: string, effect: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(worker) ?? Promise.resolve();
    const next = previous.then(effect);
    const ended = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(worker, ended);
    void ended.then(() => {
      if (this.queues.get(worker) === ended) this.queues.delete(worker);
      this.settled();
    });
    return next;
  }

  /** True while an effect is queued or running for the worker (the loop holds new pastes until it is free). */
  busy(worker: string): boolean {
    return this.queues.has(worker);
  }
}
