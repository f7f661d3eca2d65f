import type { FleetModel, WorkerModel } from '../model/model.js';
import { finishedForGood } from './verification.js';

/** The family questions about spawned workers, for the policy, the integration plan and the views. */

/** The workers `parent` spawned, cancelled ones too, in the fleet's order. */
export function childrenOf(fleet: Pick<FleetModel, 'workers'>, parent: string): readonly WorkerModel[] {
  return childrenByParent(fleet.workers).get(parent) ?? [];
}

/**
 * Every parent's children, from one walk of a worker list, kept while the list is the same (it is never changed in
 * place): the status file and the queue ask for each worker's children, and a walk each grew with the fleet squared.
 */
function childrenByParent(workers: readonly WorkerModel[]): ReadonlyMap<string, readonly WorkerModel[]> {
  const known = families.get(workers);
  if (known !== undefined) return known;
  const byParent = new Map<string, WorkerModel[]>();
  for (const worker of workers) {
    const parent = worker.spec.parent;
    if (parent === undefined) continue;
    const children = byParent.get(parent);
    if (children === undefined) byParent.set(parent, [worker]);
    else children.push(worker);
  }
  families.set(workers, byParent);
  return byParent;
}

const families = new WeakMap<readonly WorkerModel[], ReadonlyMap<string, readonly WorkerModel[]>>();

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
