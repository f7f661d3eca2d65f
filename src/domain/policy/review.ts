import { commentOpen } from './person-comments.js';
import { hasEvidence, type WorkerMemory, type WorkerModel } from '../model/model.js';
import type { Action } from './actions.js';
import type { ReviewFinding } from '../model/review-verdict.js';
import type { AlertKind, ReviewStateName } from '../model/words.js';
import { checksPassedOnTip, FIXUP_RUNGS, judged, short, tipOf } from './verification.js';
import { alertOnce } from './worker-alert.js';

/**
 * Review as part of "verified": once a done tip passed its checks (or at once, without checks), the worker's
 * reviewer reads it; an approval of the same tip makes the worker `verified`, a request for changes goes back to the
 * worker as a fix-up, round after round up to `max_rounds`, then to the person. Pure: the review source's results
 * arrive as observations on the worker model, keyed by the commit they judged. A review that gave no valid verdict
 * is never an approval.
 */

/** Where a worker's review stands, for the views. */
export interface ReviewState {
  readonly state: ReviewStateName;
  readonly reviewer: string;
  /** The round on the tip, 1-based (0 before the first review). */
  readonly round: number;
  readonly maxRounds: number;
  readonly sha: string | undefined;
  readonly summary: string | undefined;
  readonly findings: readonly ReviewFinding[];
}

/** The tips sent back to the worker with findings during its current task. */
export function reviewRounds(worker: WorkerModel): readonly string[] {
  const rounds = worker.memory.reviewRounds;
  return rounds?.task === worker.memory.tasks.length ? rounds.shas : [];
}

/**
 * The round a review of `tip` is: the round it was sent back in, or the next one; never past `max_rounds`, as the
 * rounds stop there (a tip committed after them, or a review the person asks for again, is the last round once more).
 */
export function reviewRound(worker: WorkerModel, tip: string | undefined, maxRounds: number): number {
  const rounds = reviewRounds(worker);
  const sentBack = tip === undefined ? -1 : rounds.indexOf(tip);
  return Math.min(sentBack >= 0 ? sentBack + 1 : rounds.length + 1, maxRounds);
}

/** The reviewer approved the commit the branch points at now. */
export function reviewApprovedOnTip(worker: WorkerModel): boolean {
  const tip = tipOf(worker);
  return tip !== undefined && worker.reviewRun?.sha === tip && worker.reviewRun.status === 'approved';
}

/** The reviewer asked for changes on the commit the branch points at now: a done claim there is no progress. */
export function reviewSentBackOnTip(worker: WorkerModel): boolean {
  const tip = tipOf(worker);
  return tip !== undefined && worker.reviewRun?.sha === tip && worker.reviewRun.status === 'changes_requested';
}

/**
 * Verified on the tip: every check passed there (when there are checks), the reviewer approved it (when one reviews),
 * and no comment of the person's is open on it.
 */
export function verifiedOnTip(worker: WorkerModel): boolean {
  if (!judged(worker) || commentOpen(worker)) return false;
  const checksOk = worker.spec.checks.length === 0 || checksPassedOnTip(worker);
  const reviewOk = worker.spec.review === undefined || reviewApprovedOnTip(worker);
  return checksOk && reviewOk;
}

/** The worker's review state for the views; undefined when nobody reviews it. */
export function reviewState(worker: WorkerModel): ReviewState | undefined {
  const review = worker.spec.review;
  if (review === undefined) return undefined;
  const tip = tipOf(worker);
  const run = worker.reviewRun?.sha === tip ? worker.reviewRun : undefined;
  const base = {
    reviewer: review.agent.name,
    maxRounds: review.maxRounds,
    sha: tip,
    summary: run?.summary,
    findings: run?.findings ?? [],
  };
  const round = reviewRound(worker, tip, review.maxRounds);
  if (run === undefined) {
    const asked = tip !== undefined && worker.memory.reviewAsked === tip;
    return {
      ...base,
      state: asked ? 'in_review' : 'waiting',
      round: asked ? round : Math.min(reviewRounds(worker).length, review.maxRounds),
    };
  }
  const state: Record<typeof run.status, ReviewStateName> = {
    running: 'in_review',
    approved: 'approved',
    changes_requested: 'changes_requested',
    failed: 'failed',
  };
  return { ...base, state: state[run.status], round };
}

export interface ReviewDecision {
  readonly actions: readonly Action[];
  readonly memory: Partial<WorkerMemory>;
}

const NOTHING: ReviewDecision = { actions: [], memory: {} };

/**
 * What the review asks for this pass: a review of a done tip whose checks passed, or the findings sent back (once
 * per done claim, a rung of the ladder), or the person told when the rounds ran out or no verdict came.
 * `canMessage` is false when the worker is paused or its pane cannot take a paste.
 */
export function judgeReview(worker: WorkerModel, now: number, canMessage: boolean): ReviewDecision {
  const review = worker.spec.review;
  if (review === undefined) return NOTHING;
  const memory = worker.memory;
  const tip = tipOf(worker);
  if (memory.state === 'verified') return clearAlerts(worker, `approved on ${short(tip)}`);
  if (memory.state !== 'done' || !hasEvidence(worker) || tip === undefined || worker.pane?.screenBusy === true)
    return NOTHING;
  if (worker.spec.checks.length > 0 && !checksPassedOnTip(worker)) return NOTHING;
  const rounds = reviewRounds(worker);
  const run = worker.reviewRun;
  if (run?.sha !== tip) {
    if (memory.reviewAsked === tip) return NOTHING;
    const reason = `done at ${short(tip)}${worker.spec.checks.length > 0 ? ' with every check passed' : ''}; ${review.agent.name} reviews it before it counts`;
    return {
      actions: [
        {
          kind: 'run_review',
          worker: worker.spec.name,
          sha: tip,
          round: reviewRound(worker, tip, review.maxRounds),
          reason,
        },
      ],
      memory: { reviewAsked: tip },
    };
  }
  if (run.status === 'failed') {
    const message = `the review of ${short(tip)} by ${review.agent.name} gave no verdict: ${run.problem ?? 'no reason known'}`;
    return alertPerson(
      worker,
      'review_failed',
      message,
      now,
      run.transcript,
      'a review without a verdict is no approval',
    );
  }
  // A review of the tip started again (asked by the person): the alert of the one that gave no verdict is over.
  if (run.status === 'running') return clearAlerts(worker, `the review of ${short(tip)} runs again`, ['review_failed']);
  if (run.status !== 'changes_requested') return NOTHING;

  const name = worker.spec.name;
  const findings = run.findings ?? [];
  // The last round asked for changes: the worker is not sent for another, the person is asked, once.
  if (!rounds.includes(tip) && rounds.length + 1 >= review.maxRounds) {
    if (worker.memory.alerts.some((alert) => alert.kind === 'review_unresolved')) return NOTHING;
    const open = findings.map(findingLine).join('; ');
    const message = `${review.maxRounds} review round(s) of ${review.maxRounds} ended without approval; open findings on ${short(tip)}: ${open || 'none listed'}`;
    return alertPerson(worker, 'review_unresolved', message, now, run.transcript, 'review rounds used up');
  }
  const claim = `${tip}@${worker.report?.at ?? 0}`;
  if (memory.fixedUp === claim || !canMessage || memory.ladder.rung === 'human') return NOTHING;
  const shas = rounds.includes(tip) ? rounds : [...rounds, tip];
  const reviewRoundsMemory = { task: memory.tasks.length, shas };
  const rung = FIXUP_RUNGS[FIXUP_RUNGS.indexOf(memory.ladder.rung) + 1];
  if (rung === undefined) {
    const summary = `${name} keeps reporting done on ${short(tip)}, which ${review.agent.name} sent back; ${FIXUP_RUNGS.length} fix-up messages did not help`;
    return {
      actions: [{ kind: 'notify', worker: name, episode: 'stalled', summary, reason: 'fix-ups exhausted the ladder' }],
      memory: { fixedUp: claim, ladder: { rung: 'human', at: now } },
    };
  }
  const round = shas.indexOf(tip) + 1;
  const action: Action = {
    kind: 'review_fixup',
    worker: name,
    sha: tip,
    reviewer: review.agent.name,
    summary: run.summary ?? '',
    findings,
    round,
    maxRounds: review.maxRounds,
    reason: `${review.agent.name} asked for changes on ${short(tip)} (round ${round} of ${review.maxRounds})`,
  };
  // Like a check fix-up: the paste makes the done report stale, and it is a rung of the ladder.
  return {
    actions: [action],
    memory: { fixedUp: claim, briefedAt: now, ladder: { rung, at: now }, reviewRounds: reviewRoundsMemory },
  };
}

/** One finding on one line, for alerts: `src/a.ts:3 [major] text`. */
export function findingLine(finding: ReviewFinding): string {
  const place =
    finding.file === undefined ? '' : `${finding.file}${finding.line === undefined ? '' : `:${finding.line}`} `;
  return `${place}[${finding.severity}] ${finding.text}`;
}

/** The review's alert (see `alertOnce`), said where the person listens too: the worker cannot get past it alone. */
function alertPerson(
  worker: WorkerModel,
  kind: 'review_failed' | 'review_unresolved',
  message: string,
  now: number,
  file: string | undefined,
  reason: string,
): ReviewDecision {
  const { actions, alerts } = alertOnce(
    worker,
    { kind, message, ...(file === undefined ? {} : { files: [file] }) },
    now,
    reason,
  );
  if (actions.length === 0) return NOTHING;
  const summary = `${worker.spec.name} needs you: ${message}`;
  return {
    actions: [...actions, { kind: 'notify', worker: worker.spec.name, episode: kind, summary, reason }],
    memory: { alerts },
  };
}

function clearAlerts(
  worker: WorkerModel,
  reason: string,
  kinds: readonly AlertKind[] = ['review_failed', 'review_unresolved'],
): ReviewDecision {
  const alerts = worker.memory.alerts.filter((alert) => !kinds.includes(alert.kind));
  if (alerts.length === worker.memory.alerts.length) return NOTHING;
  const actions: Action[] = worker.memory.alerts
    .filter((alert) => kinds.includes(alert.kind))
    .map((alert) => ({ kind: 'clear_alert', worker: worker.spec.name, alertKind: alert.kind, reason }));
  return { actions, memory: { alerts } };
}
