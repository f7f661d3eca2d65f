import type { FleetStatus } from './status-schema.js';

/**
 * Whether a parsed status.json has every field `czar status` reads, with the right types: the cheap check for the
 * file a live czar wrote, so the schema (zod, and a walk of every field of every worker) loads only when this fails
 * and its answer names what is wrong.
 */
export function looksLikeStatus(value: unknown): value is FleetStatus {
  if (!isObject(value)) return false;
  const { project, base, paused, sprintOver, queue, workers } = value;
  return (
    typeof project === 'string' &&
    typeof base === 'string' &&
    typeof paused === 'boolean' &&
    typeof sprintOver === 'boolean' &&
    Array.isArray(queue) &&
    Array.isArray(workers) &&
    workers.every(looksLikeWorker) &&
    (value.supervisor === undefined || (isObject(value.supervisor) && typeof value.supervisor.pid === 'number')) &&
    (value.integration === undefined || looksLikeIntegration(value.integration))
  );
}

function looksLikeWorker(worker: unknown): boolean {
  if (!isObject(worker) || !isObject(worker.git)) return false;
  const { name, state, branch, title, alerts, progress } = worker;
  return (
    typeof name === 'string' &&
    typeof state === 'string' &&
    typeof branch === 'string' &&
    typeof title === 'string' &&
    (progress === undefined || typeof progress === 'number') &&
    Array.isArray(alerts) &&
    alerts.every((alert) => isObject(alert) && typeof alert.kind === 'string') &&
    typeof worker.git.commitsAhead === 'number' &&
    Array.isArray(worker.git.filesChanged)
  );
}

function looksLikeIntegration(integration: unknown): boolean {
  if (!isObject(integration)) return false;
  const { branch, holds, conflicts, pullRequests } = integration;
  return (
    typeof branch === 'string' &&
    Array.isArray(holds) &&
    holds.every((worker) => typeof worker === 'string') &&
    Array.isArray(conflicts) &&
    conflicts.every(
      (conflict) =>
        isObject(conflict) &&
        typeof conflict.worker === 'string' &&
        Array.isArray(conflict.files) &&
        conflict.files.every((file) => typeof file === 'string'),
    ) &&
    Array.isArray(pullRequests) &&
    pullRequests.every(
      (pr) =>
        isObject(pr) && typeof pr.branch === 'string' && typeof pr.url === 'string' && typeof pr.state === 'string',
    )
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
