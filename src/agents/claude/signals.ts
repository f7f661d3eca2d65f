import { claudeStopFailure } from '../api-errors.js';
import type { Signals } from '../signals.js';

/**
 * Claude Code 2.1.197, measured: UserPromptSubmit opens a turn; Stop ends it, about 0.2 s after any
 * `czar report --state done` it ran; StopFailure fires instead of Stop when an API error ended the turn, with
 * `error` (its class) and `last_assistant_message` (the line it prints: `● API Error: 400 ...`).
 */
export const CLAUDE_SIGNALS: Signals = {
  hooks: [
    { event: 'SessionStart', state: 'idle' },
    { event: 'UserPromptSubmit', state: 'working' },
    { event: 'Stop', state: 'idle', turnEnd: true },
    {
      event: 'StopFailure',
      state: 'idle',
      turnEnd: true,
      note: { prefix: 'turn failed', fields: ['last_assistant_message', 'error_details', 'error'] },
      failure: (payload) =>
        claudeStopFailure(text(payload.error), text(payload.last_assistant_message) ?? text(payload.error_details)),
    },
    {
      event: 'Notification',
      match: { field: 'notification_type', values: ['permission_prompt', 'elicitation_dialog'] },
      state: 'waiting',
      note: { prefix: 'notification', prefixField: 'notification_type', fields: ['message'] },
    },
    { event: 'PermissionRequest', state: 'waiting', note: { prefix: 'permission requested', fields: ['tool_name'] } },
    { event: 'SessionEnd', state: undefined },
  ],
  // Its StopFailure hook says every failure, so its error line (`● API Error: 400 ...`) is not read: an old one left
  // on screen after a later good turn must not mark the worker failed.
  apiErrorScreens: [],
};

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : value === undefined || value === null ? undefined : JSON.stringify(value);
}
