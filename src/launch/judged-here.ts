import { findBoxEngine } from '../adapters/box-engine.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import { CzarError } from '../domain/model/errors.js';
import { judgedHereVerdict } from '../domain/model/judged-here.js';
import type { Fleet } from '../fleet/handle.js';

/** Said once per process: every host worker of a launch would say the same. */
let saidUnboxed = false;

/**
 * Judges, before they are made on their host, whether the checks (and reviewer) of these host steps' workers can run
 * in this machine's box as their sandbox asks: returns the refusal of each one that cannot (`sandbox: required`), and
 * says once in the event log that those of `sandbox: on` run unboxed here.
 */
export async function refusedHere(
  fleet: Fleet,
  steps: readonly { readonly worker: WorkerSpec }[],
): Promise<Map<string, CzarError>> {
  const boxed = steps.map((step) => step.worker).filter((worker) => worker.sandbox !== undefined);
  if (boxed.length === 0) return new Map();
  const engine = await findBoxEngine();
  const verdicts = boxed.map((worker) => ({
    worker,
    verdict: judgedHereVerdict(worker, engine, worker.review !== undefined),
  }));
  const unboxed = verdicts.find(({ verdict }) => verdict.kind === 'unboxed');
  if (unboxed !== undefined && unboxed.verdict.kind === 'unboxed' && !saidUnboxed) {
    saidUnboxed = true;
    await fleet.log.emit(
      'sandbox_unavailable',
      `the checks of host workers with sandbox: on run on this machine unboxed: ${unboxed.verdict.why}`,
    );
  }
  return new Map(
    verdicts.flatMap(({ worker, verdict }) =>
      verdict.kind === 'refused' ? [[worker.name, new CzarError('sandbox_unavailable', verdict.why)] as const] : [],
    ),
  );
}
