import type { Signals } from '../signals.js';

/**
 * Gemini CLI 0.61, measured: BeforeAgent opens a turn and AfterAgent ends it, also when every model call failed
 * (its payload then says only `"prompt_response": "[no response text]"`), so a failure is read from the screen:
 * `✕ [API Error: {"error":{"code":400,...}}]`.
 */
export const GEMINI_SIGNALS: Signals = {
  hooks: [
    { event: 'SessionStart', state: 'idle' },
    { event: 'BeforeAgent', state: 'working' },
    { event: 'AfterAgent', state: 'idle', turnEnd: true },
    {
      event: 'Notification',
      match: { field: 'notification_type', values: ['ToolPermission'] },
      state: 'waiting',
      note: { prefix: 'notification', prefixField: 'notification_type', fields: ['message'] },
    },
    { event: 'SessionEnd', state: undefined },
  ],
  apiErrorScreens: [{ id: 'gemini-api-error', match: /^\s*✕\s+\[API Error:\s*(.*?)\]?\s*$/m }],
};
