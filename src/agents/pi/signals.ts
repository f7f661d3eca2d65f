import { kindOfText, failureDetail } from '../api-errors.js';
import type { Signals } from '../signals.js';

/**
 * pi 0.73.1 through czar's extension (`bin/czar-pi-extension.js`): a run opens at `agent_start` and closes at
 * `agent_end`, which carries the last answer's `stop_reason`, and on `error` its `error_message` ("400 fake failure").
 */
export const PI_SIGNALS: Signals = {
  hooks: [
    { event: 'pi-session-start', state: 'idle' },
    { event: 'pi-agent-start', state: 'working' },
    {
      event: 'pi-agent-end',
      match: { field: 'stop_reason', values: ['error'] },
      state: 'idle',
      turnEnd: true,
      note: { prefix: 'turn failed', fields: ['error_message'] },
      failure: (payload) => {
        const text = typeof payload.error_message === 'string' ? payload.error_message : 'unknown error';
        return { kind: kindOfText(`API Error: ${text}`) ?? kindOfText(text) ?? 'unknown', detail: failureDetail(text) };
      },
    },
    { event: 'pi-agent-end', state: 'idle', turnEnd: true },
  ],
  // Its extension reports every failure, so an old error line left on screen is not read.
  apiErrorScreens: [],
};
