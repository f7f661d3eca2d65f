import { branchExists } from '../../adapters/git.js';
import { signedByWorker } from '../../adapters/worker-proof.js';
import { childSpec } from '../../config/child-spec.js';
import { signedText, type CzarRequest } from '../../domain/model/czar-request.js';
import type { RequestObservation } from '../../domain/model/observations.js';
import type { Fleet } from '../../fleet/handle.js';
import { lessonsForJoining } from '../../launch/brief-lessons.js';

/**
 * What the czar checks of a spawn or cancel from a worker before `decide()` sees it: that it comes from the worker it
 * names (the proof czar gave that worker's agent, not a name anyone can write), and the child as the config would
 * have it. The limits and the fleet's names are decide()'s to judge.
 */
export async function workerRequestFacts(
  fleet: Fleet,
  request: CzarRequest,
): Promise<Omit<RequestObservation, 'request'>> {
  if (request.kind === 'cancel') {
    if (request.by === undefined) return {};
    return (await proven(fleet, request.by, request)) ? {} : { refused: impostor(request.by, 'cancel') };
  }
  if (request.kind !== 'spawn') return {};
  if (!(await proven(fleet, request.worker, request))) return { refused: impostor(request.worker, 'spawn') };
  const parent = fleet.config.workers.find((worker) => worker.name === request.worker);
  if (parent === undefined) return { refused: `There is no worker "${request.worker}" in this fleet.` };
  const child = childSpec(fleet.config, parent, request);
  if (typeof child === 'string') return { refused: child };
  if (await branchExists(fleet.config.repo, child.branch))
    return {
      refused: `Branch ${child.branch} already exists in ${fleet.config.repo}, and czar never takes over a branch it did not cut; choose another name for the child.`,
    };
  // Its brief carries the lessons of its kind and areas, as a configured worker's does (kept with its record).
  const lessons = await lessonsForJoining(fleet.config.repo, child);
  return { child: lessons.length === 0 ? child : { ...child, lessons } };
}

async function proven(fleet: Fleet, worker: string, request: CzarRequest & { signature?: string }): Promise<boolean> {
  return signedByWorker(fleet.paths, worker, signedText(request), request.signature);
}

function impostor(worker: string, verb: string): string {
  return `This ${verb} claims to come from worker "${worker}" without a signature made with the proof czar gave that worker's agent, so it was refused; run "czar ${verb === 'spawn' ? 'spawn' : 'spawn --cancel'}" from the worker's own pane.`;
}
