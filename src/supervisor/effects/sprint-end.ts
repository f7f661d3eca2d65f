import type { Fleet } from '../../fleet/handle.js';

/**
 * The sprint's end `decide()` asked for, carried out once status.json shows it (the handoff reads that file): it is
 * announced, then the handoff is written.
 */
export class SprintEnd {
  private asked: { readonly summary: string; readonly pullRequest: boolean } | undefined;

  constructor(
    private readonly fleet: Fleet,
    private readonly handoff: (pullRequest: boolean) => Promise<unknown>,
  ) {}

  /** `summary`: each worker's state; `pullRequest`: the integration branch's pull request is opened too. */
  ask(summary: string, pullRequest: boolean): void {
    this.asked = { summary, pullRequest };
  }

  /** Carries out the end asked for, if any; call it after status.json is written. */
  afterStatus(): void {
    const asked = this.asked;
    if (asked === undefined) return;
    this.asked = undefined;
    void this.fleet.log
      .emit('sprint_over', `sprint over: ${asked.summary}`)
      .then(() => this.handoff(asked.pullRequest))
      .catch((error: unknown) =>
        this.fleet.log.emit('czar_error', `handoff failed: ${error instanceof Error ? error.message : String(error)}`),
      );
  }
}
