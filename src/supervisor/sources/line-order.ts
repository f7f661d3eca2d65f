/**
 * The order a host stream's lines are applied in, and no stricter: each worker's lines one at a time as they came
 * (its log grows as it did on the host, and a report never overtakes the tip sent before it, so "done" never arrives
 * before its commits), and tips one at a time across workers (each fetches into the one local repo). One worker's
 * push and fetch, a few hundred ms over ssh, then never holds back another worker's report or output.
 */
export class LineOrder {
  /** Per worker, its last line's apply (settled, never rejected). */
  private readonly workers = new Map<string, Promise<void>>();
  private tips: Promise<void> = Promise.resolve();

  /** Applies a line of `worker` once the lines it must follow are applied; a failed apply does not stop later ones. */
  add(worker: string, kind: 'tip' | 'other', apply: () => Promise<void>): void {
    const previous = this.workers.get(worker) ?? Promise.resolve();
    const applied = (kind === 'tip' ? Promise.all([previous, this.tips]) : previous).then(apply).catch(() => undefined);
    if (kind === 'tip') this.tips = applied;
    this.workers.set(worker, applied);
  }
}
