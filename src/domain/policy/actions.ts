import type { DeliverySummary, FleetModel, GivenTask } from '../model/model.js';
import type { BonusTask, WorkerSpec } from '../model/config-types.js';
import type { Alert } from '../status/status-schema.js';
import type { AlertKind } from '../model/words.js';
import type { CheckFailure, PersonComment } from '../model/observations.js';
import type { ReviewFinding } from '../model/review-verdict.js';
import type { IntegrationFailure } from '../model/integration-record.js';
import type { RestartStart } from '../model/resume.js';
import type { Outcome } from '../learning/outcome.js';
import type { HandOverEvidence } from '../learning/hand-over-text.js';
import type { Lesson } from '../learning/lesson.js';

/**
 * The czar's decisions as data. The shell applies them; every one carries a `reason` a person can read in the
 * event log ("idle 95 s with no done report").
 */
export type Action =
  /** Record a child a worker spawned and add it to the fleet; its launch is the usual one. */
  | { readonly kind: 'spawn'; readonly worker: string; readonly spec: WorkerSpec; readonly reason: string }
  /** Stop a cancelled child's session for good (its branch and worktree stay until `czar down --purge`). */
  | { readonly kind: 'cancel_child'; readonly worker: string; readonly reason: string }
  /** Tell a parent (between its turns) that its child's branch is ready to merge. */
  | {
      readonly kind: 'tell_parent';
      readonly worker: string;
      readonly child: string;
      readonly branch: string;
      readonly sha: string;
      readonly reason: string;
    }
  /** Start a queued worker's agent and deliver its own task (with what its dependencies delivered). */
  | {
      readonly kind: 'launch';
      readonly worker: string;
      readonly task: GivenTask;
      readonly dependencies: readonly DeliverySummary[];
      readonly reason: string;
    }
  /** Paste the task into a worker that was launched before its dependencies were done. */
  | {
      readonly kind: 'deliver_task';
      readonly worker: string;
      readonly task: GivenTask;
      readonly dependencies: readonly DeliverySummary[];
      readonly reason: string;
    }
  | { readonly kind: 'bonus'; readonly worker: string; readonly task: BonusTask; readonly reason: string }
  | { readonly kind: 'nudge'; readonly worker: string; readonly situation: StallSituation; readonly reason: string }
  /** Paste the current task again, whole. */
  | { readonly kind: 'rebrief'; readonly worker: string; readonly task: GivenTask; readonly reason: string }
  /**
   * Respawn the agent in the same worktree: in its own conversation, told only that it was restarted, or afresh with
   * the current task pasted again, as `start` says (and why).
   */
  | {
      readonly kind: 'restart';
      readonly worker: string;
      readonly attempt: number;
      readonly cause: 'crashed' | 'stalled' | 'person';
      readonly task: GivenTask;
      readonly start: RestartStart;
      readonly reason: string;
    }
  | {
      readonly kind: 'answer';
      readonly worker: string;
      readonly keys: readonly string[];
      readonly rule: string;
      readonly reason: string;
    }
  /** Paste a person's message (`czar send`) as they wrote it. */
  | { readonly kind: 'send'; readonly worker: string; readonly text: string; readonly reason: string }
  /** Paste the comments a person (or a pull request's reviewers) left for the worker, together, between its turns. */
  | {
      readonly kind: 'comments';
      readonly worker: string;
      readonly comments: readonly PersonComment[];
      readonly reason: string;
    }
  /**
   * Answer a person's request. With `after`, the answer waits for the effect just queued for that worker, and says
   * its error instead when it failed.
   */
  | {
      readonly kind: 'reply';
      readonly worker?: undefined;
      readonly request: string;
      readonly ok: boolean;
      readonly message: string;
      readonly after?: string | undefined;
      readonly reason: string;
    }
  /** Stop the czar itself; the workers keep running. */
  | { readonly kind: 'stop_czar'; readonly worker?: undefined; readonly reason: string }
  /** Stop the running turn with the agent's own interrupt key; the agent keeps running and its work stays. */
  | { readonly kind: 'interrupt'; readonly worker: string; readonly reason: string }
  | {
      readonly kind: 'realign';
      readonly worker: string;
      readonly files: readonly string[];
      readonly scope: readonly string[];
      readonly reason: string;
    }
  | { readonly kind: 'alert'; readonly worker: string; readonly alert: Alert; readonly reason: string }
  | {
      readonly kind: 'clear_alert';
      readonly worker: string;
      readonly alertKind: AlertKind;
      readonly peer?: string;
      readonly reason: string;
    }
  /**
   * Tell the person, once per episode (needs input, done, blocked, stalled past the ladder, crashed for good); with no
   * worker, about the whole fleet (its state dir full).
   */
  | {
      readonly kind: 'notify';
      readonly worker: string | undefined;
      readonly episode: NotifyEpisode;
      readonly summary: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'event';
      readonly worker: string;
      readonly event: string;
      readonly message: string;
      readonly reason: string;
    }
  /**
   * Start the network door of boxed workers again where it died (`where`, as in `NetDoorObservation`), reached through
   * the place of `via`, a boxed worker it serves.
   */
  | {
      readonly kind: 'restart_door';
      readonly worker?: undefined;
      readonly via: string;
      readonly where: string;
      readonly reason: string;
    }
  /** An event about the whole fleet (its base branch gone or back), logged without a worker. */
  | {
      readonly kind: 'fleet_event';
      readonly worker?: undefined;
      readonly event: string;
      readonly message: string;
      readonly reason: string;
    }
  /** Tell the worker its branch moved under its worktree, and how to bring its index along before it commits. */
  | {
      readonly kind: 'warn_moved';
      readonly worker: string;
      readonly from: string;
      readonly to: string;
      readonly forward: boolean;
      readonly reason: string;
    }
  | {
      readonly kind: 'tell_dependents';
      readonly worker: string;
      readonly dependents: readonly string[];
      readonly summary: DeliverySummary;
      readonly reason: string;
    }
  /** Run the worker's checks on this commit of its branch (the check source answers with an observation). */
  | { readonly kind: 'run_checks'; readonly worker: string; readonly sha: string; readonly reason: string }
  /** Tell the worker which check failed on its done commit, with the tail of its output. */
  | {
      readonly kind: 'fixup';
      readonly worker: string;
      readonly sha: string;
      readonly failure: CheckFailure;
      readonly reason: string;
    }
  /** Review this commit of the worker's branch (the review source answers with an observation). */
  | {
      readonly kind: 'run_review';
      readonly worker: string;
      readonly sha: string;
      /** The round this review is, 1-based. */
      readonly round: number;
      /** Asked by the person: run even where a verdict of this commit is kept. */
      readonly again?: boolean;
      readonly reason: string;
    }
  /** Send the reviewer's findings on this commit back to the worker: fix, commit, report done. */
  | {
      readonly kind: 'review_fixup';
      readonly worker: string;
      readonly sha: string;
      readonly reviewer: string;
      readonly summary: string;
      readonly findings: readonly ReviewFinding[];
      readonly round: number;
      readonly maxRounds: number;
      readonly reason: string;
    }
  /** Paste the fix-up task an integration failure owes the worker (the task is already its current one). */
  | {
      readonly kind: 'integration_fixup';
      readonly worker: string;
      readonly task: string;
      readonly failure: IntegrationFailure;
      readonly reason: string;
    }
  /**
   * Announce the sprint's end and write the handoff (after status.json shows the end); `pullRequest`: then open the
   * integration branch's pull request, the handoff its body.
   */
  | {
      readonly kind: 'end_sprint';
      readonly worker?: undefined;
      readonly summary: string;
      readonly pullRequest: boolean;
      readonly reason: string;
    }
  /**
   * Move the worker's task to another agent of the pool (`to`, as czar.yaml names it): stop the old agent, start the
   * new one in the same worktree on the same branch, and paste the task with what was tried and what failed.
   */
  | {
      readonly kind: 'hand_over';
      readonly worker: string;
      readonly from: string;
      readonly to: string;
      readonly task: GivenTask;
      readonly evidence: HandOverEvidence;
      /** The new agent is told what failed before its task: not a plain shell, where it would run as commands. */
      readonly brief: boolean;
      readonly reason: string;
    }
  /** Keep the lessons a verified task learned the hard way in the per-user record. */
  | {
      readonly kind: 'record_lessons';
      readonly worker: string;
      readonly lessons: readonly Lesson[];
      readonly reason: string;
    }
  /** Append a finished task's outcome to the per-user record. */
  | { readonly kind: 'record_outcome'; readonly worker: string; readonly outcome: Outcome; readonly reason: string }
  /** Open these workers' pull requests, and post the reviewers' verdicts on the open ones. */
  | {
      readonly kind: 'open_pull_requests';
      readonly worker?: undefined;
      readonly workers: readonly string[];
      readonly reason: string;
    }
  /** Start an integration run for these merges (`worker@tip`, spaces between). */
  | { readonly kind: 'integrate'; readonly worker?: undefined; readonly merges: string; readonly reason: string }
  /**
   * Tell the worker, once per counterpart and in one message, that its branch is predicted to conflict with peers'
   * (or base), and who owns each side.
   */
  | {
      readonly kind: 'warn_conflict';
      readonly worker: string;
      readonly sides: readonly ConflictSide[];
      readonly reason: string;
    };

/** One branch a worker's branch is predicted to conflict with: a peer's, or base's (`peer` undefined). */
export interface ConflictSide {
  readonly peer: string | undefined;
  readonly peerBranch: string;
  readonly files: readonly string[];
}

export type ActionKind = Action['kind'];

/** Why a worker is on the escalation ladder. */
export type StallSituation = 'idle' | 'stuck' | 'no_evidence' | 'api_error' | 'no_checkpoint';

export const NOTIFY_EPISODES = [
  'waiting',
  'done',
  'verified',
  'blocked',
  'stalled',
  'crashed',
  'api_error',
  'over_budget',
  'review_failed',
  'review_unresolved',
  'state_dir_full',
] as const;

export type NotifyEpisode = (typeof NOTIFY_EPISODES)[number];

export interface Decision {
  readonly actions: readonly Action[];
  readonly fleet: FleetModel;
  /**
   * The first moment this decision changes with no new fact (a quiet spell reaching idle_after, a backoff over, the
   * ladder's next rung): until then the fleet it returns decides nothing new, so a quiet czar need not ask.
   */
  readonly lookAgainAt?: number;
}
