import type { WorkerMemory, WorkerModel } from '../model/model.js';
import type { Alert } from '../status/status-schema.js';
import type { AlertKind } from '../model/words.js';
import type { Action } from './actions.js';

/**
 * Raises the worker's alert of `kind`, or raises it again only when its message changed (a judge's verdict on a state
 * the worker stays in): the alert action, if any, and the worker's alerts after it.
 */
export function alertOnce(
  worker: WorkerModel,
  alertOf: { readonly kind: AlertKind; readonly message: string; readonly files?: readonly string[] },
  now: number,
  reason: string,
): { actions: Action[]; alerts: WorkerMemory['alerts'] } {
  const { kind, message, files } = alertOf;
  const alerts = worker.memory.alerts;
  const shown = alerts.find((alert) => alert.kind === kind);
  if (shown?.message === message) return { actions: [], alerts };
  const alert: Alert = { kind, message, since: new Date(now).toISOString(), ...(files === undefined ? {} : { files }) };
  return {
    actions: [{ kind: 'alert', worker: worker.spec.name, alert, reason }],
    alerts: [...alerts.filter((other) => other !== shown), alert],
  };
}
