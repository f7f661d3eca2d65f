import type { Tmux } from '../adapters/tmux.js';
import { placeKind, type PlaceKind } from '../domain/box.js';
import type { WorkerSpec } from '../domain/config-types.js';
import type { Fleet } from './handle.js';

/**
 * Where a worker runs, as the fleet reaches it: the seam above which nothing asks which kind of place a worker has.
 * A worker here (a linked worktree, or a box around a repository of its own) has its session on this machine's tmux
 * server, and its folder, pane log, reports and agent records on this disk. One on an SSH host has them there: its
 * session is reached through the host's link, and what happens there is read by the czar on the host and streamed.
 * The launch side of the seam (making the folder, starting the session) is `launch/places.ts`.
 */
export interface FleetPlace {
  readonly kind: PlaceKind;
  /** The tmux server its session runs on. */
  readonly tmux: Tmux;
  /** See `onThisDisk` in domain/box.ts. */
  readonly onThisDisk: boolean;
  /** Where it runs, for a sentence: nothing here, ` on host "name"` there. */
  readonly where: string;
}

export function placeOf(fleet: Fleet, worker: WorkerSpec): FleetPlace {
  const kind = placeKind(worker);
  if (kind === 'host' && worker.host !== undefined) {
    return {
      kind,
      tmux: fleet.hosts.link(worker.host).tmux,
      onThisDisk: false,
      where: ` on host "${worker.host}"`,
    };
  }
  return { kind, tmux: fleet.tmux, onThisDisk: true, where: '' };
}
