import type { FleetModel, WorkerModel } from './model.js';
import { finishedForGood } from './verification.js';

/** The family questions about spawned workers, for the policy, the integration plan and the views. */

/** The workers `parent` spawned, cancelled ones too, in the fleet's order. */
export function childrenOf(fleet: Pick<FleetModel, 'workers'>, parent: string): WorkerModel[] {
  return fleet.workers.filter((worker) => worker.spec.parent === parent);
}

/**
 * A child still owed to its parent: not cancelled, and not finished with its tip in the parent's branch. A child
 * still at work is owed even while its tip is the parent's old one.
 */
export function owedToParent(child: WorkerModel): boolean {
  return !child.memory.stopped && !(child.inParent === true && finishedForGood(child));
}

/** The children `parent` still has to merge or cancel before it is done. */
export function openChildren(fleet: Pick<FleetModel, 'workers'>, parent: string): string[] {
  return childrenOf(fleet, parent)
    .filter(owedToParent)
    .map((child) => child.spec.name);
}
