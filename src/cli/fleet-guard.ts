import { resolveLinks } from '../adapters/file-system.js';
import { childrenOf, processFolder, processLineage, processName } from '../adapters/process-table.js';
import { onThisDisk } from '../domain/model/place-kind.js';
import { runsInFleet } from '../domain/model/fleet-membership.js';
import type { Fleet } from '../fleet/handle.js';
import { czarOfConfig } from '../fleet/requests.js';
import { personRefusal } from './command.js';

/**
 * Refuses a person's command whose process runs inside `fleet`: under a worker's pane or the czar, or in a worker's
 * folder. Told from /proc and the fleet's tmux server, never from the environment, which a worker sets as it likes.
 */
export async function refuseInsideFleet(fleet: Fleet, command: string): Promise<void> {
  const [panes, czar, lineage, folder] = await Promise.all([
    fleet.tmux.listPanes(),
    czarOfConfig(fleet.paths, fleet.config.file),
    processLineage(process.pid),
    processFolder(process.pid),
  ]);
  // Each worker runs in a session of its name; the czar's session and any other are the person's.
  const workers = new Set(fleet.config.workers.map((worker) => worker.name));
  const persons = new Set(panes.filter((pane) => !workers.has(pane.session)).map((pane) => pane.pid));
  const pids = new Set(panes.filter((pane) => workers.has(pane.session)).map((pane) => pane.pid));
  if (czar !== undefined) {
    pids.add(czar);
    // The czar runs in a pane, so its parent is the fleet's tmux server, and every other child of that server is a
    // pane too: found without asking tmux, whose socket a worker can hide from this process (TMUX_TMPDIR). Only the
    // panes tmux names outside the workers' sessions are a person's.
    const server = (await processLineage(czar))[0]?.ppid ?? 0;
    if (server > 1 && (await processName(server))?.startsWith('tmux') === true)
      for (const pid of await childrenOf(server)) if (!persons.has(pid)) pids.add(pid);
  }
  const folders = await Promise.all(
    fleet.config.workers.filter(onThisDisk).map((worker) => resolveLinks(worker.worktree).catch(() => worker.worktree)),
  );
  if (runsInFleet(lineage, folder, { pids, folders })) throw personRefusal(command);
}
