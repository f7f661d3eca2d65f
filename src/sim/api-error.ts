/**
 * How Claude Code 2.1.197 ends a turn whose model calls fail, measured against a local server answering every call
 * with one HTTP status (tests/fixtures/hooks/claude-stopfailure-*.json, tests/fixtures/screens/claude-api-error-*.txt):
 * the line it prints, and the StopFailure hook payload it sends. The sim does the same, so czar reads it the same way.
 */
export interface SimApiError {
  /** The error line under the prompt, without Claude's `●` bullet. */
  readonly line: string;
  /** The StopFailure payload fields: Claude's own error class and its last message. */
  readonly payload: { readonly error: string; readonly last_assistant_message: string };
}

export function claudeApiError(status: number, message: string): SimApiError {
  const line =
    status === 401
      ? `Please run /login · API Error: 401 ${message}`
      : status === 429
        ? `API Error: Request rejected (429) · ${message}`
        : status >= 500
          ? `API Error: ${status} ${message}. This is a server-side issue, usually temporary — try again in a moment.`
          : `API Error: ${status} ${message}`;
  return { line, payload: { error: claudeErrorClass(status), last_assistant_message: line } };
}

/** Claude's StopFailure `error` for a status; a 400 whose body it does not recognise came back as `unknown`. */
function claudeErrorClass(status: number): string {
  if (status === 401 || status === 403) return 'authentication_failed';
  if (status === 402) return 'billing_error';
  if (status === 429) return 'rate_limit';
  if (status >= 500) return 'server_error';
  return 'unknown';
}
