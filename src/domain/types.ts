import type { HostStatus } from './host-status.js';
import type { HandoffFacts } from './handoff.js';
import type { SprintMetrics } from './metrics.js';

/** What czar observes and says about the fleet: reports, states, alerts, status.json and the event log. */

/** What a worker said about itself through `czar report`. */
export const REPORTED_STATES = ['working', 'idle', 'waiting', 'done', 'blocked'] as const;
export type ReportedState = (typeof REPORTED_STATES)[number];

/**
 * Why an agent's model calls failed, from its failure hook or its screen. Rate limit, overloaded and server error
 * pass on their own; the others need the person (a key, a bill, a request the API refuses).
 */
export const API_FAILURE_KINDS = ['invalid_request', 'auth', 'billing', 'rate_limit', 'overloaded', 'server_error', 'unknown'] as const;
export type ApiFailureKind = (typeof API_FAILURE_KINDS)[number];

/** A failed model call as the agent reported or showed it. */
export interface ApiFailure {
  readonly kind: ApiFailureKind;
  /** The agent's own error text, one line, bounded; untrusted (shown with controls made visible). */
  readonly detail: string;
}

/** What the czar concludes about a worker from reports, panes and git. */
export const WORKER_STATES = [
  'queued',
  'starting',
  'working',
  'idle',
  'waiting',
  'blocked',
  'stuck',
  'crashed',
  'done',
  'verified',
  'stopped',
  'api_error',
  'over_budget',
  'worktree_missing',
] as const;
export type WorkerState = (typeof WORKER_STATES)[number];

export const ALERT_KINDS = [
  'off_scope',
  'off_task',
  'overlap',
  'waiting_input',
  'crashed',
  'stuck',
  'conflict',
  'no_evidence',
  'bad_report',
  'delivery_failed',
  'delivery_mismatch',
  'idle_unfinished',
  'checks_failed',
  'api_error',
  'budget',
  'branch_moved_outside',
  'branch_missing',
  'worktree_missing',
  'integration_failed',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface Alert {
  readonly kind: AlertKind;
  readonly message: string;
  readonly since: string;
  /** Files involved (off-scope paths, overlapping paths). */
  readonly files?: readonly string[];
  /** Other worker involved (overlap, conflict). */
  readonly peer?: string;
}

export interface GitActivity {
  /** Commits on the branch that are not on base (`base..branch`). */
  readonly commitsAhead: number;
  /** Files the branch changed since it forked (`base...branch`). */
  readonly filesChanged: readonly string[];
  readonly lastCommit?: { readonly sha: string; readonly subject: string; readonly at: string } | undefined;
  /** Uncommitted paths in the worktree. */
  readonly dirty: readonly string[];
}

export interface WorkerStatus {
  readonly name: string;
  readonly state: WorkerState;
  readonly since: string;
  readonly branch: string;
  readonly title: string;
  readonly agent: string;
  /** Percent done (0-100) from the worker's last report. */
  readonly progress?: number | undefined;
  readonly note?: string | undefined;
  readonly git: GitActivity;
  /** Last non-empty line of the pane, ANSI stripped. */
  readonly lastOutput?: string | undefined;
  readonly lastOutputAt?: string | undefined;
  readonly restarts: number;
  readonly alerts: readonly Alert[];
  readonly paused: boolean;
  readonly paneId?: string | undefined;
  /** Ids of the tasks this worker was given (its own first, then bonus tasks). */
  readonly tasks: readonly string[];
  readonly resultFile?: string | undefined;
  /** From the agent's own records; absent when its agent keeps none (tokens unknown, never zero). */
  readonly usage?: WorkerUsageStatus | undefined;
  /** The ssh host (a `hosts:` name) it runs on; absent for this machine. */
  readonly host?: string | undefined;
}

/** A worker's usage in status.json. Token counts include cached ones; `usd` covers only priced models. */
export interface WorkerUsageStatus {
  readonly tokens: number;
  readonly input: number;
  readonly output: number;
  readonly cacheWrite: number;
  readonly cacheRead: number;
  readonly usd: number;
  /** Models with no price: their cost is unknown, so `usd` is a lower bound. */
  readonly unpricedModels: readonly string[];
  readonly models: readonly string[];
  readonly tasks: readonly { readonly task: string; readonly tokens: number; readonly usd: number; readonly unpricedModels: readonly string[] }[];
  readonly files: number;
  readonly skippedLines: number;
  readonly lastAt?: string | undefined;
}

export interface FleetUsageStatus {
  readonly tokens: number;
  readonly usd: number;
  readonly unpricedModels: readonly string[];
  /** Dollars per hour since the sprint started. */
  readonly usdPerHour: number;
  /** Launched workers whose agents keep no records czar can read. */
  readonly unknownWorkers: readonly string[];
  /** The limits in force (`policy.budget`); a limit not set is left out. */
  readonly budget: { readonly worker: StatusLimits; readonly fleet: StatusLimits };
}

export interface StatusLimits {
  readonly usd?: number | undefined;
  readonly tokens?: number | undefined;
}

/** The integration branch as status.json shows it. */
export interface IntegrationStatus {
  readonly branch: string;
  readonly tip?: string | undefined;
  /** Workers whose branch is in the integration branch. */
  readonly holds: readonly string[];
  readonly leftOut: readonly { readonly worker: string; readonly reason: string }[];
  readonly conflicts: readonly { readonly worker: string; readonly files: readonly string[] }[];
  /** Pull requests czar opened, per branch, with their last known state (OPEN, CLOSED, MERGED). */
  readonly pullRequests: readonly { readonly branch: string; readonly url: string; readonly state: string }[];
}

export interface FleetStatus {
  readonly project: string;
  readonly base: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly paused: boolean;
  /** True while the supervisor process is alive. */
  readonly supervisor?: { readonly pid: number; readonly heartbeatAt: string } | undefined;
  readonly workers: readonly WorkerStatus[];
  /** Bonus tasks not yet handed out, in order. */
  readonly queue: readonly { readonly id: string; readonly title: string }[];
  readonly sprintOver: boolean;
  /** The base branch is gone from the repository (renamed or deleted while the czar runs). */
  readonly baseMissing?: true | undefined;
  /** Present once the czar has an integration record. */
  readonly integration?: IntegrationStatus | undefined;
  /** The facts of HANDOFF.md, once the sprint was over. */
  readonly handoff?: HandoffFacts | undefined;
  readonly usage?: FleetUsageStatus | undefined;
  /** The fleet's ssh hosts that run workers; absent when every worker is local. */
  readonly hosts?: readonly HostStatus[] | undefined;
  /** Per-task and per-sprint metrics (what `czar stats` prints), written by the czar. */
  readonly metrics?: SprintMetrics | undefined;
}

/** One line of `.czar/events.jsonl`: every transition and every action, with its reason. */
export interface FleetEvent {
  readonly at: string;
  readonly kind: string;
  readonly worker?: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}
