import { findBoxEngine } from '../adapters/box-engine.js';
import { presetOf } from '../agents/index.js';
import { boxLines, doorBoxVerdict } from '../domain/model/box.js';
import { placeKind } from '../domain/model/place-kind.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import { judgedHereLine, judgedHereVerdict } from '../domain/model/judged-here.js';

/**
 * What each worker's box allows, the first refusal (`sandbox: required` on a machine without an engine), and whether
 * a worker of this machine is boxed (its launch needs the fleet's network door).
 */
export async function boxesOf(
  all: readonly WorkerSpec[],
): Promise<{ lines: string[]; refused: string | undefined; doorNeeded: boolean }> {
  const workers = all.filter((worker) => placeKind(worker) === 'box');
  // A host worker's box is made by its host's engine, judged there at launch (and by `czar doctor` per host); its
  // checks and reviewer run here, in this machine's.
  const judged = all.filter((worker) => placeKind(worker) === 'host' && worker.sandbox !== undefined);
  if (workers.length === 0 && judged.length === 0) return { lines: [], refused: undefined, doorNeeded: false };
  const engine = await findBoxEngine();
  const boxVerdicts = workers.map((worker) => doorBoxVerdict(worker, engine));
  const judgedHere = judged.map((worker) => ({
    worker,
    verdict: judgedHereVerdict(worker, engine, worker.review !== undefined),
  }));
  const refusal = [...boxVerdicts, ...judgedHere.map(({ verdict }) => verdict)].find(
    (verdict) => verdict.kind === 'refused',
  );
  return {
    lines: [
      ...boxLines(workers, engine, (worker) => presetOf(worker.agent).noApproval),
      ...judgedHere.map(({ worker, verdict }) => judgedHereLine(worker, verdict)),
    ],
    refused: refusal?.why,
    doorNeeded: boxVerdicts.some((verdict) => verdict.kind === 'boxed'),
  };
}
