import { commentOpen } from './person-comments.js';
import { hasEvidence, type LadderRung, type WorkerMemory, type WorkerModel } from '../model/model.js';
import type { Action } from './actions.js';
import type { AlertKind } from '../model/words.js';
import type { CheckSpec } from '../model/config-types.js';
import type { CheckFailure, CheckRunObservation } from '../model/observations.js';
import { alertOnce } from './worker-alert.js';

/**
 * Done means verified: when a worker reports done with commits, the czar runs the configured checks on its branch
 * tip (the check source does, in a checkout of its own), and only a pass makes the worker `verified` and free for
 * a bonus task. A failure sends a fix-up message back to the worker. Pure: the check source's results arrive as
 * observations on the worker model, keyed by the commit they judged.
 */

/** One check's verdict on one commit, kept across czar restarts (the check is named by what it runs, see `checkKey`). */
export interface CheckVerdict {
  readonly sha: string;
  readonly key: string;
  readonly ok: boolean;
  readonly failure?: CheckFailure | undefined;
  readonly at: number;
}

/** A check is the same check while its name, command and timeout are: an edit to any of them judges afresh. */
export function checkKey(check: CheckSpec): string {
  return JSON.stringify([check.name, check.run, check.timeoutMs]);
}

/** A verdict that still speaks about `check` on `sha`. */
export function verdictFor(verdicts: readonly CheckVerdict[], check: CheckSpec, sha: string): CheckVerdict | undefined {
  const key = checkKey(check);
  return verdicts.findLast((verdict) => verdict.sha === sha && verdict.key === key);
}

/**
 * The run the kept verdicts add up to on the newest commit they judged: passed when every check passed there, failed
 * at the first check that failed, and nothing when a check (a new or edited one) has no verdict there yet.
 */
export function keptRun(
  checks: readonly CheckSpec[],
  verdicts: readonly CheckVerdict[],
): CheckRunObservation | undefined {
  const newest = verdicts.at(-1);
  if (newest === undefined || checks.length === 0) return undefined;
  let at = 0;
  for (const check of checks) {
    const verdict = verdictFor(verdicts, check, newest.sha);
    if (verdict === undefined) return undefined;
    at = Math.max(at, verdict.at);
    if (!verdict.ok) return { sha: newest.sha, status: 'failed', failure: verdict.failure, at };
  }
  return { sha: newest.sha, status: 'passed', at };
}

/** A fix-up takes the next of these rungs; past the last one the person is told instead. */
export const FIXUP_RUNGS: readonly LadderRung[] = ['nudge', 'rebrief', 'restart'];

export function tipOf(worker: WorkerModel): string | undefined {
  return worker.git.lastCommit?.sha;
}

function hasChecks(worker: WorkerModel): boolean {
  return worker.spec.checks.length > 0;
}

/** Whether `verified` means anything for this worker: it has checks to pass or a reviewer to convince. */
export function judged(worker: WorkerModel): boolean {
  return hasChecks(worker) || worker.spec.review !== undefined;
}

/** All checks passed on the commit the branch points at now. */
export function checksPassedOnTip(worker: WorkerModel): boolean {
  const tip = tipOf(worker);
  return hasChecks(worker) && tip !== undefined && worker.checkRun?.sha === tip && worker.checkRun.status === 'passed';
}

/** A check failed on the commit the branch points at now: a done claim there is no progress. */
export function checksFailedOnTip(worker: WorkerModel): boolean {
  const tip = tipOf(worker);
  return hasChecks(worker) && tip !== undefined && worker.checkRun?.sha === tip && worker.checkRun.status === 'failed';
}

/**
 * Finished in the sense that counts: verified where checks or a review are configured, else done with commits and
 * no comment of the person's open.
 */
export function finishedForGood(worker: WorkerModel): boolean {
  const state = worker.memory.state;
  return judged(worker) ? state === 'verified' : state === 'done' && hasEvidence(worker) && !commentOpen(worker);
}

export interface ChecksDecision {
  readonly actions: readonly Action[];
  readonly memory: Partial<WorkerMemory>;
}

/**
 * What the checks ask for this pass: a run for a done tip not yet judged, or a fix-up for a failed one (once per
 * done claim). `canMessage` is false when the worker is paused or its pane cannot take a paste: then only the alert.
 */
export function judgeChecks(worker: WorkerModel, now: number, canMessage: boolean): ChecksDecision {
  if (!hasChecks(worker)) return { actions: [], memory: {} };
  const name = worker.spec.name;
  const memory = worker.memory;
  const tip = tipOf(worker);
  const run = worker.checkRun;
  if (memory.state === 'verified' || checksPassedOnTip(worker))
    return clearFailure(worker, `all checks passed on ${short(run?.sha)}`);
  // Only a finished claim is checked, so the checkout never races the worker's typing.
  if (memory.state !== 'done' || !hasEvidence(worker) || tip === undefined || worker.pane?.screenBusy === true)
    return { actions: [], memory: {} };
  if (run?.sha !== tip) {
    if (memory.checksAsked === tip) return { actions: [], memory: {} };
    const reason = `reported done at ${short(tip)}; ${worker.spec.checks.map((check) => check.name).join(', ')} must pass before it counts`;
    return { actions: [{ kind: 'run_checks', worker: name, sha: tip, reason }], memory: { checksAsked: tip } };
  }
  if (run.status === 'unrun') return checksUnrun(worker, now, run.why ?? 'czar did not run them');
  if (run.status !== 'failed' || run.failure === undefined) return { actions: [], memory: {} };

  const failure = run.failure;
  const what = `check "${failure.name}" (${failure.run}) ${failure.timedOut ? 'timed out' : `exited with ${failure.exitCode ?? 'a signal'}`} on ${short(tip)}`;
  const { actions, alerts } = alertOnce(
    worker,
    { kind: 'checks_failed', message: what, files: [failure.logFile] },
    now,
    CHECKS_REASON,
  );
  const claim = `${tip}@${worker.report?.at ?? 0}`;
  // The person was told already; a new commit resets the ladder and starts the fix-ups again.
  if (memory.fixedUp === claim || !canMessage || memory.ladder.rung === 'human') return { actions, memory: { alerts } };
  const rung = FIXUP_RUNGS[FIXUP_RUNGS.indexOf(memory.ladder.rung) + 1];
  if (rung === undefined) {
    // Claimed done on a failing tip again and again, with no commit in between: only the person can help now.
    const summary = `${name} keeps reporting done while ${what}; ${FIXUP_RUNGS.length} fix-up messages did not help`;
    actions.push({
      kind: 'notify',
      worker: name,
      episode: 'stalled',
      summary,
      reason: 'fix-ups exhausted the escalation ladder',
    });
    return { actions, memory: { alerts, fixedUp: claim, ladder: { rung: 'human', at: now } } };
  }
  actions.push({ kind: 'fixup', worker: name, sha: tip, failure, reason: what });
  // A paste makes the done report stale, so the worker counts as working again; the fix-up is a rung of the ladder.
  return { actions, memory: { alerts, fixedUp: claim, briefedAt: now, ladder: { rung, at: now } } };
}

/**
 * The checks of the tip were not run, for a reason of czar's side (no box to run a boxed worker's code in): the person
 * is told, once per reason; the worker is not, as nothing it can change would help.
 */
function checksUnrun(worker: WorkerModel, now: number, why: string): ChecksDecision {
  const message = `the checks of ${short(tipOf(worker))} were not run: ${why}`;
  const { actions, alerts } = alertOnce(worker, { kind: 'checks_unrun', message }, now, CHECKS_REASON);
  return { actions, memory: actions.length === 0 ? {} : { alerts } };
}

/** Why a check's alert is raised. */
const CHECKS_REASON = 'done needs every check to pass';

const CHECK_ALERTS: readonly AlertKind[] = ['checks_failed', 'checks_unrun'];

function clearFailure(worker: WorkerModel, reason: string): ChecksDecision {
  const cleared = worker.memory.alerts.filter((alert) => CHECK_ALERTS.includes(alert.kind));
  if (cleared.length === 0) return { actions: [], memory: {} };
  return {
    actions: cleared.map((alert) => ({
      kind: 'clear_alert' as const,
      worker: worker.spec.name,
      alertKind: alert.kind,
      reason,
    })),
    memory: { alerts: worker.memory.alerts.filter((alert) => !CHECK_ALERTS.includes(alert.kind)) },
  };
}

export function short(sha: string | undefined): string {
  return sha === undefined ? 'no commit' : sha.slice(0, 12);
}
