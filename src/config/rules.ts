import { PRESET_NAMES, type PresetName } from '../domain/config-types.js';
import { orChoices, pathString, problemAt, type Problem } from './problems.js';
import { DEFAULT_INTEGRATION_BRANCH, workerBranch } from './normalise.js';
import { ownEnvKeys } from './rules-env.js';
import { hostCapacity, knownHosts, uniqueHostNames } from './rules-hosts.js';
import { autoAnswerRegexes, durationMinimums, stuckAfterIdle } from './rules-policy.js';
import type { Rule } from './rule.js';
import type { WrittenConfig } from './schema.js';
import { CZAR_SESSION } from '../domain/paths.js';
import { scopePatternProblem } from '../domain/glob.js';
import { MAX_TASK_BYTES } from '../domain/limits.js';

/** The supervisor's own tmux session. */
export const RESERVED_WORKER_NAME = CZAR_SESSION;

const isPreset = (name: string): name is PresetName => (PRESET_NAMES as readonly string[]).includes(name);

/** Index of the first worker with each name (later duplicates are reported, not used). */
function firstIndexByName(config: WrittenConfig): Map<string, number> {
  const first = new Map<string, number>();
  config.workers.forEach((worker, index) => {
    if (!first.has(worker.name)) first.set(worker.name, index);
  });
  return first;
}

const uniqueWorkerNames: Rule = {
  name: 'unique-worker-names',
  check: (config) => {
    const first = firstIndexByName(config);
    return config.workers.flatMap((worker, index) => {
      const earlier = first.get(worker.name);
      return earlier !== undefined && earlier !== index
        ? [
            problemAt(
              ['workers', index, 'name'],
              `"${worker.name}" is already used by workers[${earlier}]; give each worker its own name.`,
            ),
          ]
        : [];
    });
  },
};

const reservedWorkerName: Rule = {
  name: 'reserved-worker-name',
  check: (config) =>
    config.workers.flatMap((worker, index) =>
      worker.name === RESERVED_WORKER_NAME
        ? [
            problemAt(
              ['workers', index, 'name'],
              `"${RESERVED_WORKER_NAME}" is reserved for the supervisor's own session; pick another name.`,
            ),
          ]
        : [],
    ),
};

const uniqueBranches: Rule = {
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

const knownDependencies: Rule = {
  name: 'known-dependencies',
  check: (config) => {
    const names = [...firstIndexByName(config).keys()];
    return config.workers.flatMap((worker, index) =>
      (worker.depends_on ?? []).flatMap((dependency, position) => {
        const path = ['workers', index, 'depends_on', position];
        if (dependency === worker.name)
          return [
            problemAt(path, `"${dependency}" is the worker itself; a worker cannot wait for itself, so remove it.`),
          ];
        if (names.includes(dependency)) return [];
        if (names.length === 1)
          return [
            problemAt(
              path,
              `"${dependency}" is not a worker name, and ${worker.name} is the only worker; add a worker named "${dependency}" or remove the dependency.`,
            ),
          ];
        return [
          problemAt(
            path,
            `"${dependency}" is not a worker name; ${orChoices(
              dependency,
              names.filter((name) => name !== worker.name),
            )}`,
          ),
        ];
      }),
    );
  },
};

const noDependencyCycles: Rule = {
  name: 'no-dependency-cycles',
  check: (config) => {
    const index = firstIndexByName(config);
    // Only the first worker of a name counts; duplicates are reported by their own rule.
    const edges = new Map(
      config.workers
        .filter((worker, position) => index.get(worker.name) === position)
        .map((worker) => [
          worker.name,
          (worker.depends_on ?? []).filter((name) => name !== worker.name && index.has(name)),
        ]),
    );
    const done = new Set<string>();
    const reported = new Set<string>();
    const problems: Problem[] = [];
    const visit = (name: string, stack: string[]): void => {
      if (done.has(name)) return;
      const open = stack.indexOf(name);
      if (open >= 0) {
        const cycle = stack.slice(open);
        const key = [...cycle].sort().join(' ');
        if (!reported.has(key)) {
          reported.add(key);
          const start = cycle.reduce((best, member) =>
            (index.get(member) ?? 0) < (index.get(best) ?? 0) ? member : best,
          );
          const rotated = [...cycle.slice(cycle.indexOf(start)), ...cycle.slice(0, cycle.indexOf(start)), start];
          problems.push(
            problemAt(
              ['workers', index.get(start) ?? 0, 'depends_on'],
              `forms a dependency cycle ${rotated.join(' -> ')}; remove one of these dependencies so the workers can start.`,
            ),
          );
        }
        return;
      }
      for (const next of edges.get(name) ?? []) visit(next, [...stack, name]);
      done.add(name);
    };
    for (const name of edges.keys()) visit(name, []);
    return problems;
  },
};

const knownAgents: Rule = {
  name: 'known-agents',
  check: (config) => {
    const available = [...new Set([...PRESET_NAMES, ...Object.keys(config.agents ?? {})])];
    const unknown = (agent: string | undefined): boolean => agent !== undefined && !available.includes(agent);
    const tail = (agent: string) =>
      `"${agent}" is not a built-in agent or an agents: entry; ${orChoices(agent, available)}`;
    const problems: Problem[] = [];
    if (unknown(config.agent)) problems.push(problemAt(['agent'], tail(config.agent ?? '')));
    config.workers.forEach((worker, index) => {
      if (unknown(worker.agent)) problems.push(problemAt(['workers', index, 'agent'], tail(worker.agent ?? '')));
    });
    return problems;
  },
};

const agentDefinitions: Rule = {
  name: 'agent-definitions',
  check: (config) =>
    Object.entries(config.agents ?? {}).flatMap(([name, agent]) => {
      if (isPreset(name)) {
        return agent.preset !== undefined && agent.preset !== name
          ? [
              problemAt(
                ['agents', name, 'preset'],
                `cannot change the behaviour of the built-in agent "${name}"; remove preset: or give this agent a new name.`,
              ),
            ]
          : [];
      }
      return agent.command === undefined
        ? [
            problemAt(
              ['agents', name],
              `is missing required key "command"; a new agent needs the program to run, e.g. command: ./bin/${name}.`,
            ),
          ]
        : [];
    }),
};

const buildsOnWorker: Rule = {
  name: 'builds-on-worker',
  check: (config) => {
    const names = [...firstIndexByName(config).keys()];
    return (config.bonus ?? []).flatMap((bonus, index) =>
      bonus.builds_on !== undefined && !names.includes(bonus.builds_on)
        ? [
            problemAt(
              ['bonus', index, 'builds_on'],
              `"${bonus.builds_on}" is not a worker name; ${orChoices(bonus.builds_on, names)}`,
            ),
          ]
        : [],
    );
  },
};

const uniqueBonusNames: Rule = {
  name: 'unique-bonus-names',
  check: (config) => {
    const first = new Map<string, number>();
    const problems: Problem[] = [];
    (config.bonus ?? []).forEach((bonus, index) => {
      const id = bonus.name ?? `bonus-${index + 1}`;
      const earlier = first.get(id);
      if (earlier === undefined) first.set(id, index);
      else
        problems.push(
          problemAt(
            ['bonus', index, ...(bonus.name === undefined ? [] : ['name'])],
            `"${id}" is already used by bonus[${earlier}]; give each bonus task its own name.`,
          ),
        );
    });
    return problems;
  },
};

const integrationBranchOwn: Rule = {
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

const uniqueCheckNames: Rule = {
  name: 'unique-check-names',
  check: (config) => [
    ...duplicateChecks(config.checks, ['checks']),
    ...config.workers.flatMap((worker, index) => duplicateChecks(worker.checks, ['workers', index, 'checks'])),
    ...duplicateChecks(config.integration?.checks, ['integration', 'checks']),
  ],
};

const nonBlankTasks: Rule = {
  name: 'non-blank-tasks',
  check: (config) =>
    [
      ...config.workers.map((entry, index) => ({ entry, at: ['workers', index] })),
      ...(config.bonus ?? []).map((entry, index) => ({ entry, at: ['bonus', index] })),
    ].flatMap(({ entry, at }) => {
      if (entry.task === undefined) return [];
      if (entry.task.trim() === '')
        return [
          problemAt(
            [...at, 'task'],
            `is blank; write the task, or use task_file: with a path such as tasks/${'name' in entry && entry.name !== undefined ? entry.name : 'task'}.md.`,
          ),
        ];
      if (Buffer.byteLength(entry.task) > MAX_TASK_BYTES)
        return [
          problemAt(
            [...at, 'task'],
            `is larger than ${MAX_TASK_BYTES / (1024 * 1024)} MB, the most czar pastes as a task; shorten it, and leave the detail in files the worker reads in its worktree.`,
          ),
        ];
      return [];
    }),
};

const someWorkers: Rule = {
  name: 'some-workers',
  // A czar with no workers would supervise nothing and never call the sprint over.
  check: (config) =>
    config.workers.length === 0
      ? [
          problemAt(
            ['workers'],
            'is empty; add at least one worker, e.g. workers: [{ name: gateway, task: "Implement the gateway" }].',
          ),
        ]
      : [],
};

const honourableScopes: Rule = {
  name: 'honourable-scopes',
  check: (config) => {
    const entries = [
      ...config.workers.map((worker, index) => ({ at: ['workers', index], scope: worker.scope })),
      ...(config.bonus ?? []).map((bonus, index) => ({ at: ['bonus', index], scope: bonus.scope })),
    ];
    return entries.flatMap(({ at, scope }) =>
      (scope ?? []).flatMap((pattern, position) => {
        const problem = scopePatternProblem(pattern);
        return problem === undefined
          ? []
          : [problemAt([...at, 'scope', position], `${JSON.stringify(pattern)} ${problem}`)];
      }),
    );
  },
};

/** Every rule, in the order their problems read best. */
export const RULES: readonly Rule[] = [
  someWorkers,
  uniqueWorkerNames,
  reservedWorkerName,
  uniqueBranches,
  knownDependencies,
  noDependencyCycles,
  knownAgents,
  agentDefinitions,
  buildsOnWorker,
  uniqueBonusNames,
  autoAnswerRegexes,
  stuckAfterIdle,
  durationMinimums,
  ownEnvKeys,
  uniqueHostNames,
  knownHosts,
  hostCapacity,
  uniqueCheckNames,
  honourableScopes,
  nonBlankTasks,
  integrationBranchOwn,
];

/** All problems every rule finds. */
export function checkRules(config: WrittenConfig, rules: readonly Rule[] = RULES): Problem[] {
  return rules.flatMap((rule) => rule.check(config));
}
