import { resolveLinks } from '../adapters/file-system.js';
import { processFolder, processLineage } from '../adapters/process-table.js';
import { runsInFleet } from '../domain/fleet-membership.js';
import { CZAR_SESSION } from '../domain/paths.js';
import type { Fleet } from '../fleet/handle.js';
import { liveCzarPid } from '../fleet/requests.js';
import { personRefusal } from './command.js';

/**
 * Refuses a person's command whose process runs inside `fleet`: under a worker's pane or the czar, or in a worker's
 * folder. Told from /proc and the fleet's tmux server, never from the environment, which a worker sets as it likes.
 */
export async function refuseInsideFleet(fleet: Fleet, command: string): Promise<void> {
  const [panes, czar, lineage, folder] = await Promise.all([
    fleet.tmux.listPanes(),
    liveCzarPid(fleet.paths),
    processLineage(process.pid),
    processFolder(process.pid),
  ]);
  const pids = new Set(panes.filter((pane) => pane.session !== CZAR_SESSION).map((pane) => pane.pid));
  if (czar !== undefined) pids.add(czar);
  const folders = await Promise.all(
    fleet.config.workers
      .filter((worker) => worker.host === undefined)
      .map((worker) => resolveLinks(worker.worktree).catch(() => worker.worktree)),
  );
  if (runsInFleet(lineage, folder, { pids, folders })) throw personRefusal(command);
}
