/**
 * How long one paste holds back the work that gives way to it, at most: a delivery that waits on a busy agent's turn
 * does not hold conflict alerts back for that long.
 */
export const GIVE_WAY_MS = 1_000;

/** A plain paste (a message), or a task's delivery, which the passes give way to as well. */
export type PasteKind = 'paste' | 'task';

/**
 * The pastes in flight, which the git work beside the passes (branch looks, conflict prediction) gives way to, and
 * the task deliveries among them, which the passes' own work gives way to as well. Each git process is a fork of the
 * czar that holds its loop until the child runs, and fifty branches on one file make a commit's look and merges
 * hundreds of milliseconds of both cores: begun during a bonus task's paste, they came between its steps (paste,
 * Enter, the check that it was submitted) and doubled its time. A pass there (1.3 MB of status.json) did the same.
 */
export class PasteWindow {
  /** When each paste in flight began, and what it is. */
  private readonly began = new Set<{ readonly at: number; readonly kind: PasteKind }>();
  private waiters: (() => void)[] = [];

  /** Runs `paste`, counted as in flight from this call (a task counts from its action, queued too) until it ends. */
  async around<T>(paste: () => Promise<T>, kind: PasteKind = 'paste'): Promise<T> {
    const entry = { at: Date.now(), kind };
    this.began.add(entry);
    try {
      return await paste();
    } finally {
      this.began.delete(entry);
      for (const wake of [...this.waiters]) wake();
    }
  }

  /**
   * Resolves once no paste of `kinds` is in flight, or every one in flight began GIVE_WAY_MS ago: git gives way to
   * every paste, a pass to task deliveries only.
   */
  async giveWay(kinds: 'all' | 'tasks' = 'all'): Promise<void> {
    for (;;) {
      const holding = [...this.began].filter((entry) => kinds === 'all' || entry.kind === 'task');
      const until = Math.max(0, ...holding.map((entry) => entry.at + GIVE_WAY_MS));
      const wait = until - Date.now();
      if (wait <= 0) return;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((waiter) => waiter !== wake);
          resolve();
        };
        const timer = setTimeout(wake, wait);
        this.waiters.push(wake);
      });
    }
  }
}
