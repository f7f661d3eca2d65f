import type { RunResult } from './process.js';

/** Printed between batched captures; must not start with `-` or tmux parses it as a flag. */
const CAPTURE_DELIMITER = '@@czar-capture-end@@';

/** Runs tmux commands as one `;`-joined invocation, a failing one ending the chain. */
type Chain = (commands: readonly (readonly string[])[]) => Promise<RunResult>;

/** Several screens in one tmux invocation: each capture is followed by a delimiter line to split the output on. */
export async function captureScreens(chain: Chain, paneIds: readonly string[]): Promise<Map<string, string>> {
  const screens = new Map<string, string>();
  if (paneIds.length === 0) return screens;
  const commands = paneIds.flatMap((id) => [
    ['capture-pane', '-p', '-J', '-t', id],
    ['display-message', '-p', CAPTURE_DELIMITER],
  ]);
  const result = await chain(commands);
  // tmux stops a chain at the first failing command (a pane that is gone): the panes before it were read, that one
  // reads as empty, and the rest are read again.
  const parts = result.stdout.split(`${CAPTURE_DELIMITER}\n`);
  const read = result.exitCode === 0 ? paneIds.length : parts.length - 1;
  paneIds.slice(0, read).forEach((id, index) => screens.set(id, parts[index] ?? ''));
  const gone = paneIds[read];
  if (gone !== undefined) {
    screens.set(gone, '');
    for (const [id, screen] of await captureScreens(chain, paneIds.slice(read + 1))) screens.set(id, screen);
  }
  return screens;
}

/**
 * Screen reads asked for within this window share one tmux invocation when each invocation is a process: twenty
 * deliveries polling their panes cost one process per window instead of twenty (spawns, not tmux work, dominate).
 */
export const PROCESS_BATCH_MS = 15;

/**
 * Screen reads of one server, batched. `windowMs` says how long a read may wait for others to share its call: through
 * a control connection a call is one line on it, so 0, and only the reads asked in the same turn of the event loop
 * share one (a delivery reads its pane several times between paste and Enter: a wait on each would be on its path).
 */
export class BatchedScreens {
  private pending = new Map<string, ((screen: string) => void)[]>();
  private flushing: NodeJS.Timeout | NodeJS.Immediate | undefined;

  constructor(
    private readonly captureMany: (paneIds: readonly string[]) => Promise<Map<string, string>>,
    private readonly windowMs: () => number,
  ) {}

  /** The pane's visible screen ('' when it cannot be read). */
  read(paneId: string): Promise<string> {
    return new Promise((resolve) => {
      this.pending.set(paneId, [...(this.pending.get(paneId) ?? []), resolve]);
      if (this.flushing !== undefined) return;
      const window = this.windowMs();
      const flush = (): void => void this.flush();
      this.flushing = window > 0 ? setTimeout(flush, window) : setImmediate(flush);
    });
  }

  private async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = new Map();
    this.flushing = undefined;
    const screens = await this.captureMany([...pending.keys()]).catch(() => new Map<string, string>());
    for (const [paneId, waiters] of pending) for (const resolve of waiters) resolve(screens.get(paneId) ?? '');
  }
}
