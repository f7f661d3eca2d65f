import type { Signals } from '../signals.js';

/**
 * Codex CLI 0.169, measured: `notify` runs only for `agent-turn-complete` (the payload's `type`), and not when a turn
 * fails; a failed model call shows as a `■` line with the API's error body, e.g.
 * `■ {"error":{"message":"...","type":"invalid_request_error","code":null}}`.
 */
export const CODEX_SIGNALS: Signals = {
  // The payload names its type too; one without it is taken as a turn end, anything newer it may send is not.
  hooks: [
    {
      event: 'agent-turn-complete',
      match: { field: 'type', values: ['agent-turn-complete', undefined] },
      state: 'idle',
      turnEnd: true,
    },
  ],
  apiErrorScreens: [{ id: 'codex-api-error', match: /^\s*■\s+(.*(?:error|status|\b[45]\d\d\b).*)$/im }],
};
