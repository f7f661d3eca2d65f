import type { Fleet } from '../../src/fleet/handle.js';
import type { FleetEvent } from '../../src/domain/model/words.js';

/** The events in which czar says it gave up on a worker's launch, restart or message. */
const FAILURES = new Set(['launch_failed', 'action_failed']);
/** How often the event log is read for a new failure: the pane may be restarted soon after, so look quickly. */
const WATCH_MS = 250;

export interface FailureScreens {
  /** Each failure seen so far, with the worker's screen as it was within WATCH_MS of it, for a failed test's log. */
  report(): string;
  stop(): Promise<void>;
}

/**
 * Keeps the screen a worker showed when czar failed to launch it or deliver to it. The event log says only the last
 * line of the screen (and a box's first), and by the time a test's wait times out the pane may show something else,
 * or be gone.
 */
export function watchFailureScreens(fleet: Fleet, events: () => Promise<FleetEvent[]>): FailureScreens {
  const seen: string[] = [];
  let read = 0;
  let running: Promise<void> = Promise.resolve();
  const look = async (): Promise<void> => {
    const all = await events();
    for (const event of all.slice(read)) {
      if (!FAILURES.has(event.kind) || event.worker === undefined) continue;
      const pane = await fleet.tmux.paneIdOf(event.worker).catch(() => undefined);
      const screen =
        pane === undefined ? '(no pane)' : await fleet.tmux.capture(pane, { history: 100 }).catch(() => '(gone)');
      seen.push(`${event.at} ${event.worker} ${event.kind}: ${event.message}\nits screen then:\n${screen}`);
    }
    read = all.length;
  };
  const timer = setInterval(() => {
    running = running.then(look).catch(() => undefined);
  }, WATCH_MS);
  return {
    report: () => seen.join('\n'),
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
