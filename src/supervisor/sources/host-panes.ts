import type { Fleet } from '../../fleet/handle.js';
import { tmuxFor } from '../../fleet/panes.js';

/** Screens of the given workers' panes, by worker name, one batched capture per tmux server. */
export async function captureScreens(
  fleet: Fleet,
  targets: readonly (readonly [string, string])[],
): Promise<Map<string, string>> {
  const screens = new Map<string, string>();
  const byServer = new Map<string, { tmux: ReturnType<typeof tmuxFor>; targets: (readonly [string, string])[] }>();
  const specs = new Map(fleet.config.workers.map((worker) => [worker.name, worker]));
  for (const target of targets) {
    const spec = specs.get(target[0]);
    const key = spec?.host ?? '';
    const group = byServer.get(key) ?? { tmux: spec === undefined ? fleet.tmux : tmuxFor(fleet, spec), targets: [] };
    group.targets.push(target);
    byServer.set(key, group);
  }
  await Promise.all(
    [...byServer.values()].map(async (group) => {
      const read = await group.tmux
        .captureMany(group.targets.map(([, paneId]) => paneId))
        .catch(() => new Map<string, string>());
      for (const [name, paneId] of group.targets) {
        const screen = read.get(paneId);
        if (screen !== undefined) screens.set(name, screen);
      }
    }),
  );
  return screens;
}
