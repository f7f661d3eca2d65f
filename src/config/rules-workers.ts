import { orChoices, problemAt, type Problem } from './problems.js';
import type { Rule } from './rule.js';
import type { WrittenConfig } from './schema.js';

/** Rules on `workers:` themselves: present, named once, depending on workers that exist. */

/** Index of the first worker with each name (later duplicates are reported, not used). */
export function firstIndexByName(config: WrittenConfig): Map<string, number> {
  const first = new Map<string, number>();
  config.workers.forEach((worker, index) => {
    if (!first.has(worker.name)) first.set(worker.name, index);
  });
  return first;
}

export const someWorkers: Rule = {
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

export const uniqueWorkerNames: Rule = {
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

export const knownDependencies: Rule = {
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

export const noDependencyCycles: Rule = {
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
