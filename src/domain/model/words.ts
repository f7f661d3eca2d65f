/** The words every part of czar shares: reported and concluded states, alert and failure kinds, the event log line. */

/** What a worker said about itself through `czar report`. */
export const REPORTED_STATES = ['working', 'idle', 'waiting', 'done', 'blocked'] as const;
export type ReportedState = (typeof REPORTED_STATES)[number];

/**
 * Why an agent's model calls failed, from its failure hook or its screen. Rate limit, overloaded and server error
 * pass on their own; the others need the person (a key, a bill, a request the API refuses).
 */
export const API_FAILURE_KINDS = [
  'invalid_request',
  'auth',
  'billing',
  'rate_limit',
  'overloaded',
  'server_error',
  'unknown',
] as const;
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
  'checks_unrun',
  'api_error',
  'budget',
  'branch_moved_outside',
  'branch_missing',
  'worktree_missing',
  'integration_failed',
  'review_failed',
  'review_unresolved',
  'children_open',
  'box_refused',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Where a worker's review stands: waiting for a done tip (and its checks), in review, sent back, approved, or no verdict. */
export const REVIEW_STATES = ['waiting', 'in_review', 'changes_requested', 'approved', 'failed'] as const;
export type ReviewStateName = (typeof REVIEW_STATES)[number];

/** How much a reviewer's finding weighs. */
export const REVIEW_SEVERITIES = ['blocker', 'major', 'minor'] as const;

/** How the czar's link to a host stands: before its first stream line, streaming, cut off, or refused (czar version). */
export const HOST_LINK_STATES = ['connecting', 'reachable', 'unreachable', 'refused'] as const;
export type HostLinkState = (typeof HOST_LINK_STATES)[number];

/** One line of `.czar/events.jsonl`: every transition and every action, with its reason. */
export interface FleetEvent {
  readonly at: string;
  readonly kind: string;
  readonly worker?: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** A worker's name: it names files in the state dir and a tmux session, so nothing else gets through. */
export const WORKER_NAME = /^[a-z0-9][a-z0-9_-]*$/;
