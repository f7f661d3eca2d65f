import type { Action } from '../policy/actions.js';
import { visible } from '../model/sanitize.js';

/**
 * What the `notify:` command receives on stdin for one alert. The summary and reason quote worker-written notes,
 * and a notify command shows them to a person (a desktop notification, a chat message), so their control
 * characters are shown as symbols, as everywhere else czar shows a worker's text.
 */
export function notifyPayload(project: string, action: Extract<Action, { kind: 'notify' }>, at: string) {
  return {
    project,
    ...(action.worker === undefined ? {} : { worker: action.worker }),
    episode: action.episode,
    summary: visible(action.summary),
    reason: visible(action.reason),
    at,
  };
}
