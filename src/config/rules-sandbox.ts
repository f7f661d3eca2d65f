import path from 'node:path';
import { problemAt, type Problem } from './problems.js';
import type { Rule } from './rule.js';
import type { WrittenSandbox } from './schema-sandbox.js';
import type { WrittenConfig } from './schema.js';

/** Rules on `sandbox:`, fleet-wide and per worker. */

/** Each written `sandbox:` with where it is written and the worker it applies to (undefined: the fleet's). */
function sandboxes(
  config: WrittenConfig,
): { sandbox: WrittenSandbox; at: (string | number)[]; worker?: { name: string; host?: string | undefined } }[] {
  return [
    ...(config.sandbox === undefined ? [] : [{ sandbox: config.sandbox, at: ['sandbox'] }]),
    ...config.workers.flatMap((worker, index) =>
      worker.sandbox === undefined ? [] : [{ sandbox: worker.sandbox, at: ['workers', index, 'sandbox'], worker }],
    ),
  ];
}

/**
 * A box on an SSH host is made by the host's engine with the same walls, but with no network door yet and no
 * folders of this machine to write: refusing `allow_hosts:` and `writable:` there beats a box the person believes wider.
 */
export const sandboxHere: Rule = {
  name: 'sandbox-here',
  check: (config) =>
    config.workers.flatMap((worker, index): Problem[] => {
      const sandbox = worker.sandbox ?? config.sandbox;
      if (worker.host === undefined || sandbox === undefined || typeof sandbox === 'string') return [];
      const wider = (['allow_hosts', 'writable'] as const).filter((key) => (sandbox[key] ?? []).length > 0);
      if (sandbox.mode === 'off' || wider.length === 0) return [];
      return [
        problemAt(
          ['workers', index, worker.sandbox === undefined ? 'host' : 'sandbox'],
          `worker "${worker.name}" runs on host "${worker.host}", where its box has no network door and no writable folders yet, so its ${wider.join(' and ')} cannot be kept; remove ${wider.length === 1 ? 'it' : 'them'} for this worker or run it on this machine.`,
        ),
      ];
    }),
};

/**
 * A writable folder that holds czar.yaml's folder (the repository, czar's state, every worktree beside it) would
 * hand the worker what the box keeps from it.
 */
export const sandboxWritableOwn: Rule = {
  name: 'sandbox-writable-own',
  check: (config) =>
    sandboxes(config).flatMap(({ sandbox, at }) => {
      if (typeof sandbox === 'string') return [];
      return (sandbox.writable ?? []).flatMap((folder, index) => {
        const normal = path.posix.normalize(folder);
        const holdsConfig = folder === '/' || normal === '.' || /^(\.\.\/)*\.\.\/?$/.test(normal);
        const inState = normal === '.czar' || normal.startsWith('.czar/');
        if (!holdsConfig && !inState) return [];
        return [
          problemAt(
            [...at, 'writable', index],
            `"${folder}" ${inState ? "is czar's state" : "holds czar.yaml's folder (the repository and czar's state)"}, so a boxed worker could write its siblings' branches and reports; name a folder of its own instead.`,
          ),
        ];
      });
    }),
};
