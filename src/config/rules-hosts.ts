import { orChoices, problemAt } from './problems.js';
import type { Rule } from './rule.js';

/** Rules on `hosts:` and the workers that name them. */

export const uniqueHostNames: Rule = {
  name: 'unique-host-names',
  check: (config) => {
    const first = new Map<string, number>();
    return (config.hosts ?? []).flatMap((host, index) => {
      const earlier = first.get(host.name);
      if (earlier === undefined) first.set(host.name, index);
      return earlier === undefined
        ? []
        : [
            problemAt(
              ['hosts', index, 'name'],
              `"${host.name}" is already used by hosts[${earlier}]; give each host its own name.`,
            ),
          ];
    });
  },
};

export const knownHosts: Rule = {
  name: 'known-hosts',
  check: (config) => {
    const names = (config.hosts ?? []).map((host) => host.name);
    return config.workers.flatMap((worker, index) =>
      worker.host === undefined || names.includes(worker.host)
        ? []
        : [
            problemAt(
              ['workers', index, 'host'],
              `"${worker.host}" is not a hosts: entry; ${names.length === 0 ? 'add it under hosts: or remove host: to run the worker on this machine.' : orChoices(worker.host, names)}`,
            ),
          ],
    );
  },
};

export const hostCapacity: Rule = {
  name: 'host-capacity',
  check: (config) =>
    (config.hosts ?? []).flatMap((host, index) => {
      const count = config.workers.filter((worker) => worker.host === host.name).length;
      return count > host.max_workers
        ? [
            problemAt(
              ['hosts', index, 'max_workers'],
              `is ${host.max_workers} but ${count} workers name host "${host.name}"; raise max_workers or move some workers to another host.`,
            ),
          ]
        : [];
    }),
};
