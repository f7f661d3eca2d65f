import type { ApiFailure, ApiFailureKind } from './words.js';

/**
 * What czar does while an agent's model calls fail. Rate limit, overloaded and server error pass on their own: wait
 * with exponential backoff, then send one "continue" message; after API_RETRY_MAX of them, or for a failure only the
 * person can fix (authentication, billing, an invalid request, an unknown one), tell the person at once and send
 * nothing: a nudge, re-brief or restart would only run into the same failure.
 */
export type ApiFailureStep =
  | { readonly kind: 'tell_person'; readonly alert: string }
  /** Nothing to do before `until`, when the next "continue" is due. */
  | { readonly kind: 'wait'; readonly alert: string; readonly until: number }
  | {
      readonly kind: 'continue';
      readonly alert: string;
      readonly retries: { readonly count: number; readonly at: number };
    };

export const API_RETRY_MAX = 3;

const PASSING: ReadonlySet<ApiFailureKind> = new Set(['rate_limit', 'overloaded', 'server_error']);

export interface ApiFailureFacts {
  /** When the worker entered the failed state. */
  readonly failedAt: number;
  /** Continues sent so far and when the last went. */
  readonly retries: { readonly count: number; readonly at: number };
  /** When the last message to the agent arrived: a continue's backoff counts from its arrival, not its sending. */
  readonly sentAt: number;
  /** Last evidence of progress (a commit, a new task): continues before it belong to an earlier failure. */
  readonly progressAt: number;
  readonly now: number;
  /** First wait; each further one doubles (`restart.backoff`). */
  readonly backoffMs: number;
}

export function apiFailureStep(failure: ApiFailure, facts: ApiFailureFacts): ApiFailureStep {
  const what = `the model API failed (${failureLabel(failure.kind)}): "${failure.detail}"`;
  if (!PASSING.has(failure.kind)) return { kind: 'tell_person', alert: `${what}; ${FIX[failure.kind]}` };
  const count = facts.progressAt > facts.retries.at ? 0 : facts.retries.count;
  if (count >= API_RETRY_MAX)
    return { kind: 'tell_person', alert: `${what}; still failing after ${count} "continue" message(s) with backoff` };
  const delay = facts.backoffMs * 2 ** count;
  const since = count === 0 ? facts.failedAt : Math.max(facts.failedAt, facts.retries.at, facts.sentAt);
  const alert = `${what}; ${count + 1} of ${API_RETRY_MAX}: "continue" after waiting ${Math.round(delay / 1000)} s`;
  if (facts.now - since < delay) return { kind: 'wait', alert, until: since + delay };
  return { kind: 'continue', alert, retries: { count: count + 1, at: facts.now } };
}

/** How a failure class reads for people: "rate limit", "invalid request". */
export function failureLabel(kind: ApiFailureKind): string {
  return kind === 'auth' ? 'authentication' : kind.replaceAll('_', ' ');
}

const FIX: Readonly<Record<ApiFailureKind, string>> = {
  invalid_request:
    "the API refuses the request itself, so retrying cannot help; look at the agent's screen, then stop or restart the worker",
  auth: "the agent's API key or sign-in is not accepted; fix its credentials, then restart the worker",
  billing: 'the API account is out of credit; settle the billing, then restart the worker',
  unknown: "czar cannot tell whether this passes; look at the agent's screen",
  rate_limit: '',
  overloaded: '',
  server_error: '',
};
