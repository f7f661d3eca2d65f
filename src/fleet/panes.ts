import type { Tmux } from '../adapters/tmux.js';
import type { PaneInfo } from '../adapters/tmux-words.js';
import { usedHosts } from '../domain/model/host-layout.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import { onThisDisk } from '../domain/model/place-kind.js';
import type { Fleet } from './handle.js';
import { placeOf } from './place.js';

/** The tmux server a worker runs on: this machine's, or its host's through ssh. */
export function tmuxFor(fleet: Fleet, worker: WorkerSpec): Tmux {
  return placeOf(fleet, worker).tmux;
}

/**
 * Every worker's pane by session name, from this machine's tmux and each host's (through its master). A host that
 * cannot be asked is listed in `unknown`: its workers' panes are not known, which is not the same as gone. So is
 * this machine's server when it is gone or going (`localGone`): the czar runs in it, so it is going down with it.
 */
export async function fleetPanes(
  fleet: Fleet,
  unreachable: ReadonlySet<string>,
): Promise<{ panes: Map<string, PaneInfo>; unknown: Set<string>; localGone: boolean }> {
  const local = await fleet.tmux.panes();
  const panes = new Map((local ?? []).map((pane) => [pane.session, pane]));
  for (const worker of fleet.config.workers) if (!onThisDisk(worker)) panes.delete(worker.name);
  const unknown = new Set<string>();
  await Promise.all(
    usedHosts(fleet.config.workers).map(async (host) => {
      if (unreachable.has(host)) {
        unknown.add(host);
        return;
      }
      try {
        const own = new Set(fleet.config.workers.filter((worker) => worker.host === host).map((worker) => worker.name));
        // Only the host's own workers count: a session there cannot stand in for a worker of this machine or another host.
        for (const pane of await fleet.hosts.link(host).tmux.listPanes())
          if (own.has(pane.session)) panes.set(pane.session, pane);
      } catch {
        unknown.add(host);
      }
    }),
  );
  // A server with no session left exits; inside `kill-server` the sessions end first, and a listing that lands before
  // the exit succeeds with no pane at all (measured, tmux 3.3a). Its workers are going down with it, not missing.
  return { panes, unknown, localGone: local === undefined || local.length === 0 };
}
