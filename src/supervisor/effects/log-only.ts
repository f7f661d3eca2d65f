import type { Action } from '../../domain/policy/actions.js';
import type { Fleet } from '../../fleet/handle.js';
import { runNotifyCommand } from './notify-command.js';
import { recordLessons, recordOutcome } from './learning-record.js';

type SayingAction = Extract<
  Action,
  { kind: 'fleet_event' | 'event' | 'alert' | 'clear_alert' | 'notify' | 'record_outcome' | 'record_lessons' }
>;

/**
 * Carries out the actions that only say something (an event, an alert raised or cleared, a notification, an
 * outcome for the per-user record) and
 * returns whether `action` was one of them; the executor carries out the rest.
 */
export function logOnly(fleet: Fleet, action: Action): action is SayingAction {
  if (!SAYING_KINDS.has(action.kind)) return false;
  say(fleet, action as SayingAction);
  return true;
}

const SAYING_KINDS: ReadonlySet<Action['kind']> = new Set([
  'fleet_event',
  'event',
  'alert',
  'clear_alert',
  'notify',
  'record_outcome',
  'record_lessons',
]);

function say(fleet: Fleet, action: SayingAction): void {
  const log = (kind: string, message: string, worker?: string, data?: Record<string, unknown>): void =>
    void fleet.log.emit(kind, message, worker, data);
  switch (action.kind) {
    case 'fleet_event':
      log(action.event, `${action.message}: ${action.reason}`);
      return;
    case 'event':
      log(action.event, `${action.message}: ${action.reason}`, action.worker);
      return;
    case 'alert':
      log('alert', `${action.alert.kind}: ${action.alert.message}`, action.worker, {
        alert: action.alert.kind,
        ...(action.alert.files === undefined ? {} : { files: action.alert.files }),
      });
      return;
    case 'clear_alert':
      log(
        'alert_cleared',
        `${action.alertKind}${action.peer === undefined ? '' : ` (${action.peer})`}: ${action.reason}`,
        action.worker,
      );
      return;
    case 'notify':
      log('notify', action.summary, action.worker, { episode: action.episode });
      void runNotifyCommand(fleet, action);
      return;
    case 'record_outcome':
      void recordOutcome(fleet, action.outcome, action.reason, action.worker);
      return;
    case 'record_lessons':
      void recordLessons(fleet, action.lessons, action.reason, action.worker);
      return;
  }
}
