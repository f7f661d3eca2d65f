import type { StreamLine } from './host-stream.js';
import { visible } from './sanitize.js';
import type { WorkerSpec } from './config-types.js';
import type { HostStatus } from '../status/status-schema.js';
import type { HostLinkState } from './words.js';
import { modelName, type WorkerUsage } from '../usage/usage.js';

/** Longest reason kept: ssh's last line or czar's refusal, never a screenful. */
export const MAX_HOST_REASON = 300;

/** What the czar knows of its link to one host: the state, since when (epoch ms) and why. */
export interface HostLink {
  readonly state: HostLinkState;
  readonly since: number;
  readonly reason?: string | undefined;
}

/** Hosts whose link is down: their workers' panes are unknown, not gone, and not asked about. */
export function unreachableHosts(links: ReadonlyMap<string, HostLink> | undefined): ReadonlySet<string> {
  return new Set([...(links ?? [])].flatMap(([host, link]) => (link.state === 'unreachable' ? [host] : [])));
}

/**
 * The `hosts` of status.json: every host that runs some of the fleet's workers, in the order of their first worker, with its link as
 * the czar last saw it ("connecting" before its stream said hello). The reason comes from ssh and the host, so it is
 * bounded and its control characters made visible.
 */
export function hostStatuses(
  workers: readonly Pick<WorkerSpec, 'name' | 'host'>[],
  links: ReadonlyMap<string, HostLink>,
  startedAt: number,
): HostStatus[] {
  const onHost = new Map<string, string[]>();
  for (const worker of workers)
    if (worker.host !== undefined) onHost.set(worker.host, [...(onHost.get(worker.host) ?? []), worker.name]);
  return [...onHost].map(([name, names]) => {
    const link = links.get(name) ?? { state: 'connecting', since: startedAt };
    const reason =
      link.reason === undefined || link.state === 'reachable' || link.state === 'connecting'
        ? undefined
        : visible(link.reason).slice(0, MAX_HOST_REASON);
    return {
      name,
      state: link.state,
      since: new Date(link.since).toISOString(),
      ...(reason === undefined ? {} : { reason }),
      workers: names,
    };
  });
}

/** A worker's usage from its host's usage line, counted under `task`; model names are the host's words, made visible. */
export function hostUsage(line: Extract<StreamLine, { kind: 'usage' }>, task: string): WorkerUsage {
  const models = line.models.map(({ model, ...tokens }) => ({ model: modelName(model), ...tokens }));
  return {
    tasks: models.length === 0 ? [] : [{ task, models }],
    files: line.files,
    skippedLines: line.skippedLines,
    lastAt: line.lastAt,
  };
}
