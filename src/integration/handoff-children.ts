import { headRef, isAncestor } from '../adapters/git.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import type { FleetStatus, WorkerHandoff } from '../domain/status/status-schema.js';
import { readChildren } from '../fleet/children.js';
import type { Fleet } from '../fleet/handle.js';

type ChildOutcome = NonNullable<WorkerHandoff['children']>[number];

/**
 * What became of each worker `czar spawn` made, by parent: cancelled, merged (its tip is in the parent's branch and
 * the czar no longer counts it as owed) or still open. Read from the children's records, so a child cancelled
 * before a czar restart is listed too.
 */
export async function childOutcomes(
  fleet: Fleet,
  status: FleetStatus,
): Promise<ReadonlyMap<string, readonly ChildOutcome[]>> {
  const byParent = new Map<string, ChildOutcome[]>();
  for (const { spec, cancelled } of await readChildren(fleet.paths)) {
    const parent = fleet.config.workers.find((worker) => worker.name === spec.parent);
    if (parent === undefined) continue;
    const outcome = cancelled === true ? 'cancelled' : await mergedOrOpen(fleet, status, spec, parent);
    byParent.set(parent.name, [
      ...(byParent.get(parent.name) ?? []),
      { name: spec.name, branch: spec.branch, outcome },
    ]);
  }
  return byParent;
}

async function mergedOrOpen(
  fleet: Fleet,
  status: FleetStatus,
  child: WorkerSpec,
  parent: WorkerSpec,
): Promise<'merged' | 'open'> {
  const owed = status.workers
    .find((worker) => worker.name === parent.name)
    ?.children?.find((entry) => entry.name === child.name)?.owed;
  if (owed !== false) return 'open';
  const inParent = await isAncestor(fleet.config.repo, headRef(child.branch), headRef(parent.branch)).catch(
    () => false,
  );
  return inParent ? 'merged' : 'open';
}
