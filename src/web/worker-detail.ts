import { fileSize, readRange } from '../adapters/file-system.js';
import { Tmux } from '../adapters/tmux.js';
import { statePaths } from '../domain/model/paths.js';
import type { RegisteredFleet } from '../domain/model/registry-entry.js';
import { visibleLines, visibleStrings } from '../domain/model/sanitize.js';
import type { WorkerStatus } from '../domain/status/status-schema.js';
import type { FleetEvent } from '../domain/model/words.js';

/** The end of the event log read for a worker's recent events: enough for the last screenful, bounded on big logs. */
const EVENTS_TAIL_BYTES = 128 * 1024;
const RECENT_EVENTS = 30;

/** A worker's detail: its visible screen (read-only), its recent events, and its status (checks, review, diff). */
export interface WorkerDetail {
  readonly pane: string;
  readonly events: readonly FleetEvent[];
  readonly worker: WorkerStatus;
}

export async function workerDetail(fleet: RegisteredFleet, worker: WorkerStatus): Promise<WorkerDetail> {
  const [pane, events] = await Promise.all([screenOf(fleet, worker), recentEvents(fleet, worker.name)]);
  return { pane, events, worker };
}

/**
 * The pane's visible screen, control characters pictured. Only a pane on this machine's server is read: a worker on
 * an ssh host, or one whose status does not say its place (written by an older czar), shows its last line instead.
 */
async function screenOf(fleet: RegisteredFleet, worker: WorkerStatus): Promise<string> {
  const here = worker.place === 'worktree' || worker.place === 'box';
  if (worker.paneId === undefined || !here || !fleet.running) return worker.lastOutput ?? '';
  const tmux = new Tmux(fleet.socket, fleet.stateDir);
  // Reading must never start a server the fleet no longer has.
  tmux.joinOnly();
  const screen = await tmux.capture(worker.paneId).catch(() => '');
  return visibleLines(screen.replace(/\s+$/, ''));
}

async function recentEvents(fleet: RegisteredFleet, worker: string): Promise<FleetEvent[]> {
  const file = statePaths(fleet.stateDir).events;
  const size = (await fileSize(file)) ?? 0;
  const start = Math.max(0, size - EVENTS_TAIL_BYTES);
  const text = (await readRange(file, start, size - start))?.toString('utf8') ?? '';
  // The first line of a tail read from the middle is cut: skip it.
  const lines = text.split('\n').slice(start > 0 ? 1 : 0);
  const events = lines.flatMap((line): FleetEvent[] => {
    try {
      const event = JSON.parse(line) as FleetEvent;
      return event.worker === worker && typeof event.message === 'string' ? [event] : [];
    } catch {
      return [];
    }
  });
  return visibleStrings(events.slice(-RECENT_EVENTS));
}
