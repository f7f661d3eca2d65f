/**
 * How long one paste holds back the git work beside the passes, at most: a delivery that waits on a busy agent's
 * turn does not hold conflict alerts back for that long.
 */
export const GIVE_WAY_MS = 1_000;

/**
 * The pastes in flight, which the git work beside the passes (branch looks, conflict prediction) gives way to. Each
 * git process is a fork of the czar that holds its loop until the child runs, and fifty branches on one file make a
 * commit's look and merges hundreds of milliseconds of both cores: begun during a bonus task's paste, they came
 * between its steps (paste, Enter, the check that it was submitted) and doubled its time.
 */
export class PasteWindow {
  /** When each paste in flight began. */
  private readonly began = new Set<{ readonly at: number }>();
  private waiters: (() => void)[] = [];

  /** Runs `paste`, counted as in flight until it ends. */
  async around<T>(paste: () => Promise<T>): Promise<T> {
    const entry = { at: Date.now() };
    this.began.add(entry);
    try {
      return await paste();
    } finally {
      this.began.delete(entry);
      for (const wake of [...this.waiters]) wake();
    }
  }

  /** Resolves once no paste is in flight, or every one in flight began GIVE_WAY_MS ago. */
  async giveWay(): Promise<void> {
    for (;;) {
      const until = Math.max(0, ...[...this.began].map((entry) => entry.at + GIVE_WAY_MS));
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
