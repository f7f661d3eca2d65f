import type { FleetModel, WorkerModel } from '../model/model.js';
import type { IntegrationObservation } from '../model/observations.js';
import type { Action } from './actions.js';

/** A run that failed (czar's trouble, not a worker's: a git lock, a full disk) is tried again after 1 s, 2 s, 4 s... */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;
/** ...and after this many failures in a row the workers it holds up carry an alert. */
export const ALERT_AFTER_FAILURES = 3;

/** How long the czar waits before it tries the integration run again after `failures` failed runs in a row. */
export function integrationRetryMs(failures: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (failures - 1));
}

/** When a failed run is tried again: its backoff after the last failure; 0 when the last run did not fail. */
export function integrationRetryAt(seen: Pick<IntegrationObservation, 'failures' | 'failedAt'>): number {
  return seen.failures === 0 ? 0 : seen.failedAt + integrationRetryMs(seen.failures);
}

/**
 * The integration branch's alert: once runs keep failing without a verdict on any branch, each worker they hold up
 * carries an alert saying why; the first run that goes through (or a czar that starts afresh) clears it.
 */
export function alertFailedRuns(fleet: FleetModel, now: number, actions: Action[]): FleetModel {
  const seen = fleet.integration;
  if (seen === undefined) return fleet;
  const failure = seen.failures >= ALERT_AFTER_FAILURES ? seen.failure : undefined;
  const message =
    failure === undefined
      ? undefined
      : `czar could not merge into ${seen.branch} ${seen.failures} times in a row (${failure.reason.replace(/\.$/, '')}); it tries again in ${Math.round(integrationRetryMs(seen.failures) / 1000)} s, so fix what the error names (a leftover index.lock goes once no git runs there)`;
  let changed = false;
  const workers = fleet.workers.map((worker) => {
    const held = message !== undefined && failure?.workers.includes(worker.spec.name) === true;
    const next = held ? raised(worker, message, now, actions) : cleared(worker, actions);
    changed ||= next !== worker;
    return next;
  });
  return changed ? { ...fleet, workers } : fleet;
}

function raised(worker: WorkerModel, message: string, now: number, actions: Action[]): WorkerModel {
  const old = worker.memory.alerts.find((alert) => alert.kind === 'integration_failed');
  if (old?.message === message) return worker;
  const alert = { kind: 'integration_failed' as const, message, since: old?.since ?? new Date(now).toISOString() };
  actions.push({ kind: 'alert', worker: worker.spec.name, alert, reason: 'integration runs keep failing' });
  const alerts = [...worker.memory.alerts.filter((other) => other !== old), alert];
  return { ...worker, memory: { ...worker.memory, alerts } };
}

function cleared(worker: WorkerModel, actions: Action[]): WorkerModel {
  if (!worker.memory.alerts.some((alert) => alert.kind === 'integration_failed')) return worker;
  const reason = 'no integration run is failing over and over now';
  actions.push({ kind: 'clear_alert', worker: worker.spec.name, alertKind: 'integration_failed', reason });
  const alerts = worker.memory.alerts.filter((alert) => alert.kind !== 'integration_failed');
  return { ...worker, memory: { ...worker.memory, alerts } };
}
