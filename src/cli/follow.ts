import { readEventsFrom, readJson } from '../adapters/state-files.js';
import { watchPaths } from '../adapters/watcher.js';
import type { FleetStatus } from '../domain/status/status-schema.js';
import type { Fleet } from '../fleet/handle.js';
import { formatEvent, outRow } from './output.js';

/**
 * Prints the czar's events as they happen until the sprint is over (every task done and the queue empty), for
 * `up` without a terminal and for the demo in CI. Driven by file events; a 2 s re-check covers a missed one.
 * `untilHandoff` also waits for the handoff the czar writes once the sprint is over.
 */
export async function followUntilSprintOver(
  fleet: Fleet,
  options: { printFrom: 'start' | 'end'; timeoutMs?: number; untilHandoff?: boolean },
): Promise<boolean> {
  let offset = options.printFrom === 'end' ? readEventsFrom(fleet.paths, 0).offset : 0;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  return new Promise<boolean>((resolve) => {
    let busy = false;
    let finished = false;
    const finish = (value: boolean): void => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      void watch.close().then(() => resolve(value));
    };
    const pump = async (): Promise<void> => {
      if (busy || finished) return;
      busy = true;
      try {
        const next = readEventsFrom(fleet.paths, offset);
        offset = next.offset;
        for (const event of next.events) outRow(formatEvent(event));
        const status = await readJson<FleetStatus>(fleet.paths.status);
        if (status?.sprintOver === true && (options.untilHandoff !== true || status.handoff?.sprintOver === true))
          finish(true);
        else if (Date.now() > deadline) finish(false);
      } finally {
        busy = false;
      }
    };
    const watch = watchPaths([fleet.paths.root], () => void pump(), { depth: 0 });
    const timer = setInterval(() => void pump(), 2000);
    void pump();
  });
}

/** Loaded on demand: ink and React cost start-up time that `czar report`, run by hooks, should not pay. */
export async function showDashboard(fleet: Fleet): Promise<void> {
  notInCi();
  productionReact();
  const { runDashboardFor } = await import('./dashboard-wiring.js');
  await runDashboardFor(fleet);
}

/** `czar dashboard --all`: every running fleet of this user, `f` for the next. */
export async function showAllDashboards(): Promise<void> {
  notInCi();
  productionReact();
  const [{ FleetSwitcher }, { runDashboard }] = await Promise.all([
    import('./fleet-switcher.js'),
    import('../ui/render.js'),
  ]);
  const switcher = await FleetSwitcher.open(() => process.stdout.write('\u0007'));
  try {
    await runDashboard(switcher, switcher.actions());
  } finally {
    await switcher.close();
  }
}

/**
 * ink draws only its last frame when it believes it runs in CI (it reads CI when it loads); a dashboard on a
 * terminal is for a person, so a CI variable inherited from the shell must not blank it.
 */
function notInCi(): void {
  if (process.stdout.isTTY) process.env.CI = 'false';
}

/**
 * React's development build checks and times every render, several times the CPU of a frame; a person's dashboard
 * runs the production build unless NODE_ENV says otherwise. Set before React loads, as it reads it then.
 */
function productionReact(): void {
  process.env.NODE_ENV ??= 'production';
}
