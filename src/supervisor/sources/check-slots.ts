/**
 * The fleet's `policy.check_concurrency` slots. Created once by the supervisor and handed to both the workers' check
 * runs and the integration's: they share the limit, or a sprint's end would run more checks at once than the person
 * allowed. A borrower (`withSlot`) goes ahead of the workers' queued runs.
 */
export class CheckSlots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly freedListeners: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Called whenever a slot came free and no borrower took it: the workers' queue can move. */
  onFreed(listener: () => void): void {
    this.freedListeners.push(listener);
  }

  /** Takes a slot for a worker's run if one is free and no borrower waits for it. */
  tryTake(): boolean {
    if (this.waiting.length > 0 || this.used >= this.limit) return false;
    this.used += 1;
    return true;
  }

  /** Runs `fn` in a slot, waiting for one ahead of the workers' queued runs. */
  async withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.waiting.length === 0 && this.used < this.limit) this.used += 1;
    // The slot is taken for the waiter before it wakes (see `release`), so no worker run can slip in between.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** A slot came free: a waiting borrower first, then the workers' queue. */
  release(): void {
    this.used -= 1;
    while (this.waiting.length > 0 && this.used < this.limit) {
      this.used += 1;
      this.waiting.shift()?.();
    }
    for (const listener of this.freedListeners) listener();
  }

  /** The czar stops: waiting borrowers go on at once (their runs are aborted by their own signal). */
  stop(): void {
    for (const wake of this.waiting.splice(0)) {
      this.used += 1;
      wake();
    }
  }
}
