import { problemAt, type Problem } from './problems.js';
import { DEFAULT_INTEGRATION_BRANCH } from './defaults.js';
import { workerBranch } from './normalise.js';
import type { Rule } from './rule.js';
import { firstIndexByName } from './rules-workers.js';

/** Rules on branches: each worker its own, and the integration branch nobody else's. */

export const uniqueBranches: Rule = {
  name: 'unique-branches',
  check: (config) => {
    const names = firstIndexByName(config);
    const first = new Map<string, number>();
    const problems: Problem[] = [];
    config.workers.forEach((worker, index) => {
      // Two workers with the same name already get a problem of their own.
      if (names.get(worker.name) !== index) return;
      const branch = workerBranch(worker);
      const earlier = first.get(branch);
      if (earlier === undefined) {
        first.set(branch, index);
        return;
      }
      problems.push(
        worker.branch !== undefined
          ? problemAt(
              ['workers', index, 'branch'],
              `"${branch}" is already used by workers[${earlier}]; give each worker its own branch.`,
            )
          : problemAt(
              ['workers', index],
              `would use branch "${branch}", which workers[${earlier}] already uses; set a different branch: for one of them.`,
            ),
      );
    });
    return problems;
  },
};

export const integrationBranchOwn: Rule = {
  name: 'integration-branch-own',
  check: (config) => {
    const written = config.integration?.branch;
    const branch = written ?? DEFAULT_INTEGRATION_BRANCH;
    const at = ['integration', 'branch'];
    if (written !== undefined && branch === config.base)
      return [
        problemAt(
          at,
          `"${branch}" is the base branch; czar merges work into a branch of its own, so name another, e.g. czar/integration.`,
        ),
      ];
    const index = config.workers.findIndex((worker) => workerBranch(worker) === branch);
    const owner = config.workers[index];
    if (owner === undefined) return [];
    if (written !== undefined)
      return [
        problemAt(
          at,
          `"${branch}" is worker "${owner.name}"'s branch; czar never merges into a worker's branch, so name another, e.g. czar/integration.`,
        ),
      ];
    // The default name: a worker named "integration", or one given that branch, would have czar merge into it.
    const tail = `the integration branch czar merges finished work into; set a different branch: for the worker or another integration.branch.`;
    return [
      owner.branch === undefined
        ? problemAt(['workers', index], `would use branch "${branch}", which is ${tail}`)
        : problemAt(['workers', index, 'branch'], `"${branch}" is ${tail}`),
    ];
  },
};
