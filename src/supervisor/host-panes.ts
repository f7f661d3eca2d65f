import type { PaneInfo } from '../adapters/tmux.js';
import type { Fleet } from '../launch/fleet.js';
import { tmuxFor } from '../launch/hosts.js';

/**
 * Every worker's pane by session name, from this machine's tmux and each host's (through its master). A host that
 * cannot be asked is listed in `unknown`: its workers' panes are not known, which is not the same as gone.
 */
export async function fleetPanes(fleet: Fleet, unreachable: ReadonlySet<string>): Promise<{ panes: Map<string, PaneInfo>; unknown: Set<string> }> {
  const panes = new Map((await fleet.tmux.listPanes()).map((pane) => [pane.session, pane]));
  for (const worker of fleet.config.workers) if (worker.host !== undefined) panes.delete(worker.name);
  const unknown = new Set<string>();
  const hosts = [...new Set(fleet.config.workers.flatMap((worker) => (worker.host === undefined ? [] : [worker.host])))];
  await Promise.all(hosts.map(async (host) => {
    if (unreachable.has(host)) {
      unknown.add(host);
      return;
    }
    try {
      const own = new Set(fleet.config.workers.filter((worker) => worker.host === host).map((worker) => worker.name));
      // Only the host's own workers count: a session there cannot stand in for a worker of this machine or another host.
      for (const pane of await fleet.hosts.link(host).tmux.listPanes()) if (own.has(pane.session)) panes.set(pane.session, pane);
    } catch {
      unknown.add(host);
    }
  }));
  return { panes, unknown };
}

/** Screens of the given workers' panes, by worker name, one batched capture per tmux server. */
export async function captureScreens(fleet: Fleet, targets: readonly (readonly [string, string])[]): Promise<Map<string, string>> {
  const screens = new Map<string, string>();
  const byServer = new Map<string, { tmux: ReturnType<typeof tmuxFor>; targets: (readonly [string, string])[] }>();
  for (const target of targets) {
    const spec = fleet.config.workers.find((worker) => worker.name === target[0]);
    const key = spec?.host ?? '';
    const group = byServer.get(key) ?? { tmux: spec === undefined ? fleet.tmux : tmuxFor(fleet, spec), targets: [] };
    group.targets.push(target);
    byServer.set(key, group);
  }
  await Promise.all([...byServer.values()].map(async (group) => {
    const read = await group.tmux.captureMany(group.targets.map(([, paneId]) => paneId)).catch(() => new Map<string, string>());
    for (const [name, paneId] of group.targets) {
      const screen = read.get(paneId);
      if (screen !== undefined) screens.set(name, screen);
    }
  }));
  return screens;
}
