import { onThisDisk, placeKind } from '../domain/model/box.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import type { Fleet } from '../fleet/handle.js';
import { boxPlace } from './box-place.js';
import type { LocalPlace } from './place-types.js';
import type { WorkerPlan } from './plan.js';
import { worktreePlace } from './worktree-step.js';

export function localPlaceOf(worker: WorkerSpec): LocalPlace {
  return placeKind(worker) === 'box' ? boxPlace : worktreePlace;
}

/** Makes a local worker's folder as its plan says (a host's is made on the host, with its agent). */
export async function prepareWorktree(fleet: Fleet, step: WorkerPlan): Promise<string | undefined> {
  if (!onThisDisk(step.worker) || step.worktree === 'reuse') return undefined;
  return localPlaceOf(step.worker).prepare(fleet, step);
}
