/** Text for the fleet's ssh hosts on the dashboard: pure, so it is tested without ink. */
import type { HostLinkState } from '../domain/model/words.js';
import type { HostStatus, WorkerStatus } from '../domain/status/status-schema.js';
import { since, type StateBadge } from './format.js';

const HOST_BADGES: Readonly<Record<HostLinkState, StateBadge>> = {
  connecting: { symbol: '◌', label: 'connecting', color: 'blue' },
  reachable: { symbol: '●', label: 'reachable', color: 'green' },
  unreachable: { symbol: '✗', label: 'unreachable', color: 'red' },
  refused: { symbol: '✗', label: 'refused', color: 'red' },
};

/** The state cell of a worker whose host cannot be seen: its last known state would claim more than czar knows. */
export const OUT_OF_SIGHT = '⊘ no host';

export function hostBadge(state: HostLinkState): StateBadge {
  return HOST_BADGES[state];
}

/** The header's word on hosts: how many are reachable, then each one that is not, with how long it has been so. */
export function hostsSummary(
  hosts: readonly HostStatus[],
  now: number,
): { count: string; others: { name: string; text: string; badge: StateBadge }[] } {
  const reachable = hosts.filter((host) => host.state === 'reachable').length;
  const others = hosts
    .filter((host) => host.state !== 'reachable')
    .map((host) => {
      const badge = hostBadge(host.state);
      return { name: host.name, text: `${badge.symbol} ${badge.label} ${since(host.since, now)}`, badge };
    });
  return { count: `hosts ${reachable}/${hosts.length} reachable`, others };
}

/** Names of the hosts whose workers are out of sight (cut off, or refused for another czar version). */
export function hostsOutOfSight(hosts: readonly HostStatus[] | undefined): ReadonlySet<string> {
  return new Set(
    (hosts ?? []).filter((host) => host.state === 'unreachable' || host.state === 'refused').map((host) => host.name),
  );
}

export function outOfSight(worker: WorkerStatus, hosts: ReadonlySet<string>): boolean {
  // Only a worker on a host has a host name, and no host is named ''.
  return hosts.has(worker.host ?? '');
}
