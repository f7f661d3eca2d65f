import { orChoices, problemAt, type Problem } from './problems.js';
import type { Rule } from './rule.js';
import { firstIndexByName } from './rules-workers.js';
import { scopePatternProblem } from '../domain/model/glob.js';
import { MAX_TASK_BYTES } from '../domain/model/limits.js';

/** Rules on tasks, of workers and bonus entries: text czar can paste, scopes it can honour, bonus names and bases. */

export const buildsOnWorker: Rule = {
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

export const uniqueBonusNames: Rule = {
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

export const nonBlankTasks: Rule = {
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

export const honourableScopes: Rule = {
  name: 'honourable-scopes',
  check: (config) => {
    // A worker's scope is the worker entry rules' to check; a bonus task's is checked here the same way.
    return (config.bonus ?? []).flatMap((bonus, index) =>
      (bonus.scope ?? []).flatMap((pattern, position) => {
        const problem = scopePatternProblem(pattern);
        return problem === undefined
          ? []
          : [problemAt(['bonus', index, 'scope', position], `${JSON.stringify(pattern)} ${problem}`)];
      }),
    );
  },
};

/** Checkpoints are listed one per line in every brief and named by text in reports: each one line, and unique. */
export const checkpointLines: Rule = {
  name: 'checkpoint-lines',
  check: (config) =>
    [
      ...config.workers.map((entry, index) => ({ list: entry.checkpoints, at: ['workers', index] })),
      ...(config.bonus ?? []).map((entry, index) => ({ list: entry.checkpoints, at: ['bonus', index] })),
    ].flatMap(({ list, at }) =>
      (list ?? []).flatMap((text, position) => {
        const where = [...at, 'checkpoints', position];
        if (text.trim() === '') return [problemAt(where, 'is blank; write the step, or remove the item.')];
        // eslint-disable-next-line no-control-regex
        if (/[\u0000-\u001f\u007f]/.test(text))
          return [
            problemAt(
              where,
              `${JSON.stringify(text)} has a line break or control character; keep a checkpoint to one line.`,
            ),
          ];
        const first = (list ?? []).findIndex((other) => other.trim().toLowerCase() === text.trim().toLowerCase());
        return first < position
          ? [problemAt(where, `${JSON.stringify(text)} repeats checkpoint ${first + 1}; give each step its own text.`)]
          : [];
      }),
    ),
};
