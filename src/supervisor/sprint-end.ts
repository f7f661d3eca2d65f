import type { Fleet } from '../fleet/handle.js';

/**
 * The sprint's end `decide()` asked for, carried out once status.json shows it (the handoff reads that file): it is
 * announced, then the handoff is written.
 */
export class SprintEnd {
  private summary: string | undefined;

  constructor(
    private readonly fleet: Fleet,
    private readonly handoff: () => Promise<unknown>,
  ) {}

  /** `summary`: each worker's state. */
  ask(summary: string): void {
    this.summary = summary;
  }

  /** Carries out the end asked for, if any; call it after status.json is written. */
  afterStatus(): void {
    const summary = this.summary;
    if (summary === undefined) return;
    this.summary = undefined;
    void this.fleet.log
      .emit('sprint_over', `sprint over: ${summary}`)
      .then(this.handoff)
      .catch((error: unknown) =>
        this.fleet.log.emit('czar_error', `handoff failed: ${error instanceof Error ? error.message : String(error)}`),
      );
  }
}
