import { failureDetail, kindOfStatus, kindOfText } from '../api-errors.js';
import type { Signals } from '../signals.js';
import type { ApiFailure } from '../../domain/model/words.js';

/**
 * OpenCode 1.18.33 through czar's plugin (`bin/czar-opencode-plugin.js`): a turn opens when its session turns busy
 * and closes when it turns idle again, with the error OpenCode's `session.error` gave just before: `stop_reason`
 * `error` (an API error after OpenCode's own retries, `error_status` its HTTP status), `aborted` (Esc twice) or `stop`.
 * A retry (OpenCode retries a 429, a 5xx or a body that says server_error, for about 70 s) keeps the turn working.
 */
export const OPENCODE_SIGNALS: Signals = {
  hooks: [
    { event: 'opencode-busy', state: 'working' },
    { event: 'opencode-retry', state: 'working', note: { prefix: 'retrying', fields: ['error_message'] } },
    {
      event: 'opencode-permission',
      state: 'waiting',
      note: { prefix: 'permission requested', fields: ['command', 'permission'] },
    },
    { event: 'opencode-permission-replied', state: 'working' },
    {
      event: 'opencode-idle',
      match: { field: 'stop_reason', values: ['error'] },
      state: 'idle',
      turnEnd: true,
      note: { prefix: 'turn failed', fields: ['error_message'] },
      failure: opencodeFailure,
    },
    {
      event: 'opencode-idle',
      match: { field: 'stop_reason', values: ['aborted'] },
      state: 'idle',
      turnEnd: true,
      note: { prefix: 'interrupted', fields: [] },
    },
    { event: 'opencode-idle', state: 'idle', turnEnd: true },
  ],
  // Its plugin reports every failure, so an old error line left on screen is not read.
  apiErrorScreens: [],
};

/** The failure class from the status OpenCode's APIError carried, else from its name and words (untrusted). */
export function opencodeFailure(payload: Readonly<Record<string, unknown>>): ApiFailure {
  const message = typeof payload.error_message === 'string' ? payload.error_message : 'unknown error';
  const status = payload.error_status;
  const body = typeof payload.error_body === 'string' ? payload.error_body : '';
  const kind =
    typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 600
      ? kindOfStatus(status)
      : payload.error_name === 'ProviderAuthError'
        ? 'auth'
        : (kindOfText(message) ?? kindOfText(body) ?? 'unknown');
  return { kind, detail: failureDetail(message) };
}
