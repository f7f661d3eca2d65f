import { neutraliseControls } from '../domain/model/sanitize.js';
import type { ApiFailure, ApiFailureKind } from '../domain/model/words.js';

/** Longest error text kept: enough for the agent's sentence, short enough for an alert line. */
export const MAX_FAILURE_DETAIL = 300;

/**
 * Claude Code's StopFailure `error` values (the matcher list in the 2.1.197 binary). `unknown` and `server_error`
 * are refined from the message: a 400 with a body Claude does not recognise came back as `unknown`, a 529 as
 * `server_error` (both measured).
 */
const CLAUDE_ERRORS: Readonly<Record<string, ApiFailureKind>> = {
  rate_limit: 'rate_limit',
  overloaded: 'overloaded',
  authentication_failed: 'auth',
  oauth_org_not_allowed: 'auth',
  billing_error: 'billing',
  invalid_request: 'invalid_request',
  model_not_found: 'invalid_request',
  server_error: 'server_error',
};

/** HTTP statuses as the CLIs print them: `API Error: 400`, `Request rejected (429)`, `"code":400`, `HTTP error: 400`. */
const STATUS =
  /(?:API Error:?\s*(?:Request rejected \()?|"code":\s*|status(?: code)?:?\s*|HTTP error:\s*)([45]\d\d)\b/i;

/** Error type words of the Anthropic, OpenAI and Google APIs. */
const TYPE_WORDS: readonly (readonly [RegExp, ApiFailureKind])[] = [
  [/rate_limit|RESOURCE_EXHAUSTED|too many requests/i, 'rate_limit'],
  [/overloaded|UNAVAILABLE/, 'overloaded'],
  [/authentication_error|permission_error|UNAUTHENTICATED|PERMISSION_DENIED|invalid api key|\/login/i, 'auth'],
  [/billing|insufficient_quota|credit balance/i, 'billing'],
  [/invalid_request_error|INVALID_ARGUMENT|not_found_error/, 'invalid_request'],
  [/api_error|INTERNAL|server_error/, 'server_error'],
];

/** The failure class an HTTP status means. */
export function kindOfStatus(status: number): ApiFailureKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'billing';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server_error';
  return 'invalid_request';
}

/** Reads the failure class from an agent's error text: its HTTP status first, then the API's error type words. */
export function kindOfText(text: string): ApiFailureKind | undefined {
  const status = STATUS.exec(text)?.[1];
  if (status !== undefined) return kindOfStatus(Number(status));
  return TYPE_WORDS.find(([pattern]) => pattern.test(text))?.[1];
}

/** A failure from Claude Code's StopFailure payload (`error`, `error_details`, `last_assistant_message`). */
export function claudeStopFailure(error: string | undefined, message: string | undefined): ApiFailure {
  const text = message ?? '';
  const named = error === undefined ? undefined : CLAUDE_ERRORS[error];
  const kind = named !== undefined && named !== 'server_error' ? named : (kindOfText(text) ?? named ?? 'unknown');
  return { kind, detail: failureDetail(text === '' ? (error ?? '') : text) };
}

/** One line of untrusted error text, controls made visible, bounded. */
export function failureDetail(text: string): string {
  const line = neutraliseControls(text.replace(/\s+/g, ' ').trim());
  return line.length > MAX_FAILURE_DETAIL ? `${line.slice(0, MAX_FAILURE_DETAIL - 1)}…` : line;
}
