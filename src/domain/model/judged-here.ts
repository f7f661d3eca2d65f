import { boxVerdict, doorBoxVerdict, type BoxEngine, type BoxedWorker, type BoxVerdict } from './box.js';

/**
 * What this machine's engine means for the checks (and the reviewer, when `reviewed`) of a worker on an SSH host,
 * which run here while the host's engine boxes its agent there: boxed as a boxed worker's here are; unboxed under
 * `sandbox: on`, with what is missing here; refused under `sandbox: required`, in one sentence naming the worker and that they run here.
 * The reviewer's box has a network door, so it needs socat besides; a check's has no network.
 */
export function judgedHereVerdict(worker: BoxedWorker, engine: BoxEngine, reviewed: boolean): BoxVerdict {
  const verdict = (reviewed ? doorBoxVerdict : boxVerdict)(worker, engine);
  if (verdict.kind === 'boxed' || worker.sandbox === undefined || worker.sandbox.mode === 'off') return verdict;
  const what = reviewed ? 'checks and reviewer' : 'checks';
  const missing =
    engine.kind === 'bwrap'
      ? 'socat is not installed here, and its boxed reviewer reaches its model only through socat'
      : `this machine has no sandbox engine (${engine.reason})`;
  if (verdict.kind === 'unboxed') return { kind: 'unboxed', why: missing };
  const install = engine.kind === 'bwrap' ? 'socat (apt-get install socat)' : 'bubblewrap (apt-get install bubblewrap)';
  return {
    kind: 'refused',
    why: `worker "${worker.name}" has sandbox: required and its ${what} run on this machine, but ${missing}; install ${install} here or set sandbox: on to run them unboxed.`,
  };
}

/** For `czar up --dry-run`: where a host worker's checks and reviewer run, and in what box. */
export function judgedHereLine(worker: BoxedWorker & { readonly review?: unknown }, verdict: BoxVerdict): string {
  const reviewer = worker.review === undefined ? '' : ', its reviewer boxed with only its model endpoint';
  if (verdict.kind === 'boxed')
    return `${worker.name}: its checks run on this machine boxed with no network${reviewer}`;
  return `${worker.name}: its checks run on this machine not boxed: ${verdict.why}`;
}
