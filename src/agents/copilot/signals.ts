import { failureDetail, kindOfText } from '../api-errors.js';
import type { Signals } from '../signals.js';
import type { ApiFailure } from '../../domain/model/words.js';
import { jsonObject } from '../../domain/usage/usage.js';

/**
 * GitHub Copilot CLI 1.0.102 through its plugin hooks (measured): `userPromptSubmitted` opens a turn and `agentStop`
 * closes it. A failed model call fires `errorOccurred` (`errorContext: "model_call"`) and no `agentStop`: once for a
 * 400, once per attempt while it retries a 5xx, each with `recoverable: true`. `notification` of type
 * `permission_prompt` comes with the "Do you want to run this command?" box; `permissionRequest` fires before every
 * command, asked or not, so it says nothing. `sessionStart` fires at the first prompt, not at launch.
 */
export const COPILOT_SIGNALS: Signals = {
  hooks: [
    { event: 'userPromptSubmitted', state: 'working' },
    { event: 'agentStop', state: 'idle', turnEnd: true },
    {
      event: 'errorOccurred',
      match: { field: 'errorContext', values: ['model_call'] },
      state: 'idle',
      turnEnd: true,
      note: { prefix: 'turn failed', fields: [] },
      failure: copilotFailure,
    },
    {
      event: 'notification',
      match: { field: 'notification_type', values: ['permission_prompt'] },
      state: 'waiting',
      note: { prefix: 'permission requested', fields: ['message'] },
    },
  ],
  // Its errorOccurred hook says every failure, so its error line (`✗ 400 ...`) is not read.
  apiErrorScreens: [],
};

/**
 * The failure in `error.message`: the provider's error body as text (`{"message":..., "type":
 * "invalid_request_error"}` from a Chat Completions provider), or Copilot's own sentence.
 */
export function copilotFailure(payload: Readonly<Record<string, unknown>>): ApiFailure {
  const error = payload.error;
  const raw =
    typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string'
      ? (error as { message: string }).message
      : 'unknown error';
  const body = jsonObject(raw);
  const message = typeof body?.message === 'string' ? body.message : raw;
  return { kind: kindOfText(raw) ?? kindOfText(message) ?? 'unknown', detail: failureDetail(message) };
}
