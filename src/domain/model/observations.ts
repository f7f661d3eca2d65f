import type { ReviewUsage } from '../usage/review-usage.js';
import type { ReviewFinding } from './review-verdict.js';
import type { CzarRequest } from './czar-request.js';
import type { IntegrationRecord } from './integration-record.js';
import type { HandoffFacts } from '../status/status-schema.js';
import type { ApiFailure, ReportedState } from './words.js';
import type { PrWhen, WorkerSpec } from './config-types.js';
import type { RecordedConversation } from './resume.js';

/**
 * What the sources saw, as they write it into the model (`model.ts`): a worker's report, its pane, the check
 * source's runs and the conflict source's predictions. All times are epoch milliseconds.
 */

/** The latest valid report of a worker, as far as the czar is concerned. */
export interface ReportObservation {
  readonly state: ReportedState;
  /** When the worker wrote it (the report's `at`; a hook's report carries the time its agent fired the hook). */
  readonly at: number;
  /**
   * When the czar read it. On a loaded machine a hook's `czar report` can run seconds after the turn ended, and the
   * agent draws why the turn ended only once its hook returns.
   */
  readonly readAt?: number | undefined;
  readonly progress: number | undefined;
  readonly note: string | undefined;
  readonly resultFile: string | undefined;
  /** The task id the worker says it is on, when it says (`czar report --task`). */
  readonly task?: string | undefined;
  /** The agent's turn ended on failed model calls (its failure hook). */
  readonly failure?: ApiFailure | undefined;
  /** The agent's own transcript, when its hook named it (Claude Code's `transcript_path`): where its usage is. */
  readonly transcriptPath?: string | undefined;
  /** The conversation the agent's hook named (its `session_id`): preferred when a restart resumes one. */
  readonly sessionId?: string | undefined;
  /** A checkpoint of the current task the worker reported done, and the commit it came with. */
  readonly checkpoint?: { readonly number: number; readonly text: string; readonly commit?: string | undefined };
  /** Written by the agent's own hook (a turn starting or ending), not by the worker's `czar report`. */
  readonly byHook?: boolean | undefined;
  /**
   * Written by `czar report` inside a turn whose end the agent's hook tells, and that end has not come yet: the
   * turn's last model calls still belong to the task it reported on.
   */
  readonly turnOpen?: boolean | undefined;
}

/** What the shell saw of the worker's tmux pane on its last look. */
export interface PaneObservation {
  /** The agent process still runs (`pane_dead` is 0). */
  readonly alive: boolean;
  /** Exit status of the agent once the pane is dead (remain-on-exit), else undefined. */
  readonly deadStatus: number | undefined;
  /** Last time the pane's content changed. */
  readonly lastOutputAt: number | undefined;
  /** The preset's `isWaiting` held on the last capture: a question for the person is on screen. */
  readonly screenWaiting: boolean;
  /** The preset's `isBusy` held on the last capture: a turn is running. */
  readonly screenBusy: boolean;
  /** The last capture (ANSI stripped), tested against `auto_answer` rules when the screen is waiting. */
  readonly screen: string;
  /** An API error line of the agent's is near the bottom of the screen (for agents whose hooks do not say so). */
  readonly apiFailure?: ApiFailure | undefined;
  /**
   * When czar last started the agent again in this pane (a restart), kept by every later look: a death seen with a
   * start after the restart is the restarted agent's own, even when no pass saw it alive in between.
   */
  readonly startedAt?: number | undefined;
}

/** The failing check of a run, as the worker is told about it. `tail` is bounded and control-safe already. */
export interface CheckFailure {
  readonly name: string;
  readonly run: string;
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  readonly tail: string;
  readonly logFile: string;
}

/** The latest check run of a worker's branch: what the check source last said about which commit. */
export interface CheckRunObservation {
  readonly sha: string;
  /** `unrun`: czar would not run them (a worker launched boxed, and no box to run them in now); `why` says so. */
  readonly status: 'running' | 'passed' | 'failed' | 'unrun';
  /** The first check that failed (later ones do not run). */
  readonly failure?: CheckFailure | undefined;
  readonly why?: string | undefined;
  readonly at: number;
}

/** The review source's latest word on a worker's branch tip. */
export interface ReviewObservation {
  readonly sha: string;
  /** `failed`: no valid verdict (malformed twice, timed out, or czar could not run it); never an approval. */
  readonly status: 'running' | 'approved' | 'changes_requested' | 'failed';
  /** The reviewer's one-line summary (untrusted). */
  readonly summary?: string | undefined;
  readonly findings?: readonly ReviewFinding[] | undefined;
  /** Why there is no verdict, when `failed`. */
  readonly problem?: string | undefined;
  /** Where the reviewer's prompt, output and verdict are kept. */
  readonly transcript?: string | undefined;
  /** What the reviewer spent, one entry per run that said (a verdict asked for twice runs twice). */
  readonly usage?: readonly ReviewUsage[] | undefined;
  readonly at: number;
}

/** One predicted conflict: merging `worker`'s tip with `peer`'s (or with base's, when `peer` is undefined). */
export interface PredictedConflict {
  readonly worker: string;
  /** The other worker; undefined means the base branch. */
  readonly peer: string | undefined;
  readonly files: readonly string[];
}

/** A request file that holds no request the czar takes (a field out of bounds, not JSON): answered, never carried out. */
export interface UnreadableRequest {
  readonly id: string;
  readonly kind: 'unreadable';
}

/** A person's request the czar has read and not answered yet; `refused` says why it cannot be carried out as asked. */
export interface RequestObservation {
  readonly request: CzarRequest | UnreadableRequest;
  readonly refused?: string | undefined;
  /** A spawn request's child as the config would have it (agent, checks, worktree resolved by the source). */
  readonly child?: WorkerSpec | undefined;
}

/** The integration branch as its source sees it: the record on disk, and the run czar keeps going on it. */
export interface IntegrationObservation {
  /** The integration branch's name (from the config), for the status before any record. */
  readonly branch: string;
  /** Undefined before the first run wrote one. */
  readonly record: IntegrationRecord | undefined;
  readonly running: boolean;
  /** Runs that failed in a row without a verdict on any branch (a git lock, a full disk), and when the last failed. */
  readonly failures: number;
  readonly failedAt: number;
  /** The last failed run's error, and the workers whose merges the runs that failed in a row tried. */
  readonly failure?: { readonly reason: string; readonly workers: readonly string[] } | undefined;
  /** The merges the last run was started for (`worker@tip`, spaces between): not tried again until something moves. */
  readonly lastAttempt: string;
  /** Workers whose agent takes only task texts (a plain shell): a fix-up's prose would run there as commands. */
  readonly plainShells: readonly string[];
  /** Pull requests czar opened, by branch. */
  readonly pullRequests: Readonly<Record<string, { readonly url: string; readonly state: string }>>;
  /** When a worker's branch gets its pull request (the config's `pr.when`). */
  readonly pullRequestsWhen: PrWhen;
  /** The record (its `updatedAt`) after which `decide()` last asked for the pull requests due. */
  readonly pullRequestsAskedAfter?: string | undefined;
  /** The handoff report, once the sprint is over and it is written. */
  readonly handoff?: HandoffFacts | undefined;
}

/** A person's review comment (`czar comment`) as they left it; the text is theirs, shown with controls made visible. */
export interface PersonComment {
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly text: string;
  readonly at: number;
}

/**
 * The conversations in the records of a local agent that can resume one: what a restart chooses from. Absent for an
 * agent that cannot resume, keeps no records czar reads, or runs on a host.
 */
export interface ConversationsObservation {
  /** The worktree as the agent sees it (links resolved): the folder its records name. */
  readonly worktree: string;
  readonly conversations: readonly RecordedConversation[];
}

/**
 * A network door of boxed workers as its source last saw it: one process per machine (this one, or an SSH host) that
 * every boxed worker there reaches its model through.
 */
export interface NetDoorObservation {
  /** Its process holds its lock. */
  readonly up: boolean;
  /** A boxed worker it serves: the executor reaches the door through that worker's place. */
  readonly worker: string;
}
