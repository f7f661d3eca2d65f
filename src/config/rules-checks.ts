import { pathString, problemAt, type Problem } from './problems.js';
import type { Rule } from './rule.js';

/** Check names are unique within each list: the fleet's, each worker's and the integration branch's. */

function duplicateChecks(list: readonly { name: string }[] | undefined, at: readonly PropertyKey[]): Problem[] {
  const first = new Map<string, number>();
  return (list ?? []).flatMap((check, index) => {
    const earlier = first.get(check.name);
    if (earlier === undefined) {
      first.set(check.name, index);
      return [];
    }
    return [
      problemAt(
        [...at, index, 'name'],
        `"${check.name}" is already used by ${pathString([...at, earlier])}; give each check its own name (a worker's check replaces the fleet's of the same name).`,
      ),
    ];
  });
}

export const uniqueCheckNames: Rule = {
  name: 'unique-check-names',
  check: (config) => [
    ...duplicateChecks(config.checks, ['checks']),
    ...config.workers.flatMap((worker, index) => duplicateChecks(worker.checks, ['workers', index, 'checks'])),
    ...duplicateChecks(config.integration?.checks, ['integration', 'checks']),
  ],
};
