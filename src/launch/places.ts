import { onThisDisk, placeKind, type PlaceKind } from '../domain/model/place-kind.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import type { Fleet } from '../fleet/handle.js';
import { boxPlace } from './box-place.js';
import { checkBox } from './check-box.js';
import type { JudgingPlace, LocalPlace } from './place-types.js';
import type { WorkerPlan } from './plan.js';
import { reviewBox } from './review-box.js';
import { worktreePlace } from './worktree-step.js';

export function localPlaceOf(worker: WorkerSpec): LocalPlace {
  return placeKind(worker) === 'box' ? boxPlace : worktreePlace;
}

/** Makes a local worker's folder as its plan says (a host's is made on the host, with its agent). */
export async function prepareWorktree(fleet: Fleet, step: WorkerPlan): Promise<string | undefined> {
  if (!onThisDisk(step.worker) || step.worktree === 'reuse') return undefined;
  return localPlaceOf(step.worker).prepare(fleet, step);
}

const asTheyAre: JudgingPlace = { checkBox: async () => undefined, reviewBox: async () => undefined };
const boxedHere: JudgingPlace = { checkBox, reviewBox };

/**
 * Every worker's checks and reviewer run on this machine: a worktree's as they are; a box's in boxes of their own; and
 * a host worker's, whose branch czar fetches here, in the same boxes as a box's when it asks for a box (whose agent
 * the host's engine boxes there), so its code is judged behind the same walls wherever it was written.
 */
const JUDGING_PLACES: Readonly<Record<PlaceKind, JudgingPlace>> = {
  worktree: asTheyAre,
  box: boxedHere,
  host: boxedHere,
};

export function judgingPlaceOf(worker: WorkerSpec): JudgingPlace {
  return JUDGING_PLACES[placeKind(worker)];
}
