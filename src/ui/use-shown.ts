/**
 * What the screen reads from the store, each part kept as the same object until something drawn from it changes:
 * every frame lays out and writes the whole screen, so a change nobody sees must not start one. The pane tail of a
 * worker that is not selected, and a status whose only change is what the czar writes with its heartbeat every 15 s
 * (the time of the write and of the heartbeat, the sprint's metrics as of then), are such changes.
 */
import { useRef, useSyncExternalStore } from 'react';
import type { FleetStatus } from '../domain/status/status-schema.js';
import type { DashboardSnapshot, DashboardStore } from './ports.js';

export type Shown = Pick<DashboardSnapshot, 'status' | 'events' | 'now'>;

/** Status and events as last drawn, and the store's objects they were taken from. */
interface Seen {
  readonly from: Pick<DashboardSnapshot, 'status' | 'events'>;
  readonly shown: Shown;
}

export function useShown(store: DashboardStore): Shown {
  const seen = useRef<Seen | undefined>(undefined);
  return useSyncExternalStore(store.subscribe, () => {
    const snapshot = store.getSnapshot();
    const last = seen.current;
    if (last !== undefined && last.from.events === snapshot.events) {
      if (last.from.status === snapshot.status) return last.shown;
      if (sameButTimes(last.from.status, snapshot.status)) {
        seen.current = { from: snapshot, shown: last.shown };
        return last.shown;
      }
    }
    const shown = { status: snapshot.status, events: snapshot.events, now: snapshot.now };
    seen.current = { from: snapshot, shown };
    return shown;
  });
}

/** The pane tail of one worker, as the store holds it (the same array until it changes). */
export function useTail(store: DashboardStore, worker: string | undefined): readonly string[] | undefined {
  return useSyncExternalStore(store.subscribe, () =>
    worker === undefined ? undefined : store.getSnapshot().paneTails[worker],
  );
}

/** Whether two statuses differ in nothing the screen draws. */
function sameButTimes(a: FleetStatus, b: FleetStatus): boolean {
  if ((a.supervisor === undefined) !== (b.supervisor === undefined) || a.supervisor?.pid !== b.supervisor?.pid)
    return false;
  const drawn = (status: FleetStatus): string =>
    JSON.stringify({ ...status, updatedAt: undefined, supervisor: undefined, metrics: undefined });
  return drawn(a) === drawn(b);
}
