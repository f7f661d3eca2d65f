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
    const owner = config.workers.find((worker) => workerBranch(worker) === branch);
    // A worker on the default integration branch is the worker entry rules' to name.
    if (owner === undefined || written === undefined) return [];
    return [
      problemAt(
        at,
        `"${branch}" is worker "${owner.name}"'s branch; czar never merges into a worker's branch, so name another, e.g. czar/integration.`,
      ),
    ];
  },
};
