import { briefedSince, deliveryPending, epoch, type WorkerModel } from '../model/model.js';
import type { ReportObservation } from '../model/observations.js';
import { failureLabel } from '../model/api-failure.js';
import type { Policy } from '../model/config-types.js';
import type { ApiFailure, WorkerState } from '../model/words.js';
import { verifiedOnTip } from './review.js';
import { duration } from '../model/units.js';

/** How long a reported turn end waits for the screen before it counts as idle. */
export const TURN_END_SETTLE_MS = 3_000;

/**
 * How long an agent whose hooks report each turn's start may take to start the turn of a task czar gave it. Its first
 * turn can set up for seconds with nothing drawn: OpenCode creates its session and asks for a title first (2.6 s
 * measured; over 9 s on a loaded two-core machine). A nudge then lands behind that turn, and OpenCode drops a prompt
 * queued behind a turn that fails.
 */
export const TURN_START_MS = 30_000;

/**
 * Output this soon after a task is given is the paste's and the submission's own drawing. Later output shows the turn
 * started even when no report says so (the agent's hooks are off), and the quiet after it is read as for any agent.
 */
export const TASK_ECHO_MS = 2_000;

/** A state and the sentence that explains it, for events and the dashboard. */
export interface Classification {
  readonly state: WorkerState;
  readonly reason: string;
  /** When time alone changes this conclusion (a quiet spell reaches idle_after or stuck_after, a turn end settles). */
  readonly changesAt?: number;
}

/**
 * Running `czar report` prints to the pane itself, and the agent usually says a line after it; output this soon
 * after an `idle` or `waiting` report is the report's own echo, not new work.
 */
export const REPORT_ECHO_MS = 10_000;

/**
 * What the czar concludes about a worker from its report, its pane and its branch. The first matching row wins:
 *
 * | #  | facts                                                                  | state    |
 * |----|------------------------------------------------------------------------|----------|
 * | 1  | the person stopped it                                                  | stopped  |
 * | 2  | never launched                                                         | queued   |
 * | 2b | its budget ran out (until raised or resumed)                           | over_budget |
 * | 2c | its worktree folder is gone (moved or removed under it)                | worktree_missing |
 * | 3  | pane dead, report says done and the agent exited 0                     | done (verified) |
 * | 4  | pane dead otherwise                                                    | crashed  |
 * | 5  | a question is on screen (preset `isWaiting`)                           | waiting  |
 * | 6  | first task not confirmed delivered                                     | starting |
 * | 6b | a later task (bonus, fix-up) not confirmed delivered                   | working  |
 * | 7  | report says done (and its checks passed and its review approved the tip) | done (verified) |
 * | 8  | report says blocked                                                    | blocked  |
 * | 9  | the turn ended on failed model calls (failure hook, or an API error line at the bottom of a still screen) | api_error |
 * | 10 | report says waiting and no output since (beyond its echo)              | waiting  |
 * | 10b| czar is still sending it a message, and it was not idle or stuck already | working  |
 * | 10c| its hooks report turn starts, none came since its task, given under 30 s ago, and no output after its echo | working |
 * | 11 | claims work (report working or screen busy), activity within stuck_after | working |
 * | 12 | claims work, no output, commit or report for stuck_after               | stuck    |
 * | 13 | reported idle with no output since, read under 3 s ago (the screen may still say why)  | working  |
 * | 13b| quiet for idle_after (since output or czar's last message), or reported idle with no output since | idle |
 * | 14 | otherwise (recent output)                                              | working  |
 *
 * Only reports written after the current task was pasted count: a `done` about the previous task must not end
 * the next one, nor the end of the turn before it start the new one idle. Every paste of a task also restarts the
 * quiet clocks.
 */
export function classify(worker: WorkerModel, now: number, policy: Policy): WorkerState {
  return classifyWithReason(worker, now, policy).state;
}

export function classifyWithReason(worker: WorkerModel, now: number, policy: Policy): Classification {
  const { memory, pane, git } = worker;
  if (memory.stopped) return { state: 'stopped', reason: 'stopped by the person' };
  if (worker.launchedAt === undefined) return { state: 'queued', reason: 'not launched yet' };
  if (memory.overBudget !== undefined) return { state: 'over_budget', reason: memory.overBudget.reason };
  const missing = worker.place?.worktreeMissing;
  if (missing !== undefined && worker.deliveredAt !== undefined)
    return {
      state: 'worktree_missing',
      reason: `its worktree ${missing.path} is gone${missing.movedTo === undefined ? '' : ` (git has the branch at ${missing.movedTo})`}`,
    };

  const report = freshReport(worker);
  if (pane !== undefined && !pane.alive) {
    const status = pane.deadStatus === undefined ? 'an unknown status' : `status ${pane.deadStatus}`;
    if (report?.state === 'done' && pane.deadStatus === 0)
      return doneOrVerified(worker, 'reported done and the agent exited cleanly');
    return { state: 'crashed', reason: `the agent exited with ${status}` };
  }
  if (pane?.screenWaiting === true) return { state: 'waiting', reason: 'a question for the person is on screen' };
  if (worker.deliveredAt === undefined) return { state: 'starting', reason: 'task not delivered yet' };
  if (deliveryPending(worker)) return { state: 'working', reason: 'its new task is being pasted' };
  if (report?.state === 'done') return doneOrVerified(worker, withNote('reported done', report));
  if (report?.state === 'blocked') return { state: 'blocked', reason: withNote('reported blocked', report) };

  // The agent answers czar's last message (a warning, a fix-up) from the moment it was submitted: a paste's echo
  // can be its last output for seconds while the agent's own hooks run before it draws the turn.
  const lastOutput = Math.max(pane?.lastOutputAt ?? 0, worker.deliveredAt, briefedSince(worker), worker.sentAt ?? 0);
  const outputSinceReport = report !== undefined && lastOutput > report.at + REPORT_ECHO_MS;
  const failure = currentApiFailure(worker);
  if (failure !== undefined)
    return { state: 'api_error', reason: `the model API failed (${failureLabel(failure.kind)}): ${failure.detail}` };
  if (report?.state === 'waiting' && !outputSinceReport)
    return { state: 'waiting', reason: withNote('reported waiting for the person', report) };

  // czar's own message (a fix-up, a restart) can take seconds to paste and submit while the screen holds still: that
  // quiet is czar's until the send ends, and the clock starts again from its end (sentAt). A worker already idle or
  // stuck stays so while its nudge is on the way: its turn has not started yet.
  if (worker.sending === true && memory.state !== 'idle' && memory.state !== 'stuck')
    return { state: 'working', reason: "czar's message is on its way" };
  const givenAt = Math.max(worker.deliveredAt, briefedSince(worker));
  if (
    report === undefined &&
    worker.spec.agent.reportsTurnStart === true &&
    now < givenAt + TURN_START_MS &&
    lastOutput <= givenAt + TASK_ECHO_MS
  )
    return {
      state: 'working',
      reason: 'its task is submitted and its agent is starting the turn',
      changesAt: givenAt + TURN_START_MS,
    };
  const lastReport = report?.at ?? 0;
  if (report?.state === 'working' || pane?.screenBusy === true) {
    const lastActivity = Math.max(lastOutput, lastReport, epoch(git.lastCommit?.at) ?? 0);
    const quiet = now - lastActivity;
    if (quiet >= policy.stuckAfterMs) {
      return { state: 'stuck', reason: `says working, but no output, commit or report for ${duration(quiet)}` };
    }
    return {
      state: 'working',
      reason: report?.state === 'working' ? 'reported working with recent activity' : 'busy on screen',
      changesAt: lastActivity + policy.stuckAfterMs,
    };
  }
  const turnEnded = report?.state === 'idle' && !outputSinceReport;
  // A turn end can reach czar before the agent draws why the turn ended (Gemini CLI draws its API error line once its
  // hook returns, measured): the screen gets a moment after czar read it before a failed turn is taken for a lazy one,
  // even when the hook ran so late that the turn's quiet already reached idle_after.
  const settledAt = turnEnded ? Math.max(report.at, report.readAt ?? 0) + TURN_END_SETTLE_MS : 0;
  if (now < settledAt)
    return {
      state: 'working',
      reason: 'its turn just ended; waiting a moment for the screen to say why',
      changesAt: settledAt,
    };
  const quietSince = Math.max(lastOutput, lastReport);
  const quiet = now - quietSince;
  if (quiet >= policy.idleAfterMs) return { state: 'idle', reason: `idle ${duration(quiet)} with no done report` };
  if (turnEnded) return { state: 'idle', reason: 'reported idle with no done report' };
  return { state: 'working', reason: 'recent output', changesAt: quietSince + policy.idleAfterMs };
}

function doneOrVerified(worker: WorkerModel, reason: string): Classification {
  const judges = [
    worker.spec.checks.length > 0 ? 'every check passed' : '',
    worker.spec.review ? 'the review approved' : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return verifiedOnTip(worker)
    ? { state: 'verified', reason: `${reason}; ${judges} on ${worker.git.lastCommit?.sha.slice(0, 12) ?? ''}` }
    : { state: 'done', reason };
}

/**
 * The failure that ended the agent's last turn: its failure hook's, while nothing came after it; else an API error
 * line at the bottom of a still screen, unless the agent says it works again (a "continue" took).
 */
export function currentApiFailure(worker: WorkerModel): ApiFailure | undefined {
  const report = freshReport(worker);
  const pane = worker.pane;
  const lastOutput = Math.max(pane?.lastOutputAt ?? 0, worker.deliveredAt ?? 0, briefedSince(worker));
  if (report?.failure !== undefined && report.state !== 'done' && lastOutput <= report.at + REPORT_ECHO_MS)
    return report.failure;
  if (pane?.apiFailure !== undefined && !pane.screenBusy && report?.state !== 'working') return pane.apiFailure;
  return undefined;
}

/**
 * The report, unless it predates the current task's delivery (then it speaks about earlier work). The hook reports
 * of a turn czar started with a message to a finished worker speak of czar's turn: the done they replaced stands.
 */
export function freshReport(worker: WorkerModel): ReportObservation | undefined {
  if (deliveryPending(worker)) return undefined;
  const since = briefedSince(worker);
  const report = heldOver(worker, since) ?? worker.report;
  return report === undefined || report.at < since ? undefined : report;
}

/** The done czar's own message to a finished worker left standing, while only that turn's hooks spoke since. */
export function heldOver(worker: WorkerModel, since = briefedSince(worker)): ReportObservation | undefined {
  const { report, memory } = worker;
  const held = memory.heldDone;
  if (held === undefined || held.at < since || report === undefined || report.byHook !== true || report.at < held.at)
    return undefined;
  return (report.state === 'working' || report.state === 'idle') && report.failure === undefined ? held : undefined;
}

function withNote(text: string, report: ReportObservation): string {
  return report.note === undefined ? text : `${text}: ${report.note}`;
}
