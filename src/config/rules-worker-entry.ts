import { CZAR_SESSION } from '../domain/model/paths.js';
import { scopePatternProblem } from '../domain/model/glob.js';
import { workerBranch } from './normalise.js';
import { problemAt, type Problem } from './problems.js';
import type { Rule } from './rule.js';
import { DEFAULT_INTEGRATION_BRANCH } from './defaults.js';
import type { WrittenConfig } from './schema.js';

/**
 * The rules each worker passes on its own against the fleet's branches: one set for a worker of czar.yaml and a
 * child a worker spawns, so a spawn cannot take what the config refuses (the czar's session, the integration or base
 * branch, a scope outside the repository).
 */

/** The supervisor's own tmux session. */
export const RESERVED_WORKER_NAME = CZAR_SESSION;

/**
 * The branches no worker may have (an undefined one is not known yet, or reported elsewhere), and whether the entry
 * is a spawned child, whose branch follows its name alone.
 */
export interface EntryFleet {
  readonly base: string | undefined;
  readonly integration: string | undefined;
  readonly spawned?: true;
}

/** A worker as written or asked for. */
export interface WorkerEntry {
  readonly name: string;
  readonly branch?: string | undefined;
  readonly scope?: readonly string[] | undefined;
}

/** One problem of an entry: the field it is at (`[]` for the entry itself) and the rest of the sentence. */
export interface EntryProblem {
  readonly field: readonly (string | number)[];
  readonly tail: string;
}

export function workerEntryProblems(entry: WorkerEntry, fleet: EntryFleet): EntryProblem[] {
  const problems: EntryProblem[] = [];
  if (entry.name === RESERVED_WORKER_NAME)
    problems.push({
      field: ['name'],
      tail: `"${RESERVED_WORKER_NAME}" is reserved for the supervisor's own session; pick another name.`,
    });
  const branch = workerBranch(entry);
  const taken = (what: string): EntryProblem =>
    entry.branch === undefined
      ? { field: [], tail: `would use branch "${branch}", which is ${what}` }
      : { field: ['branch'], tail: `"${branch}" is ${what}` };
  if (branch === fleet.base)
    problems.push(
      taken(
        `the base branch: the worker's commits would land on it directly, past checks, review and integration; ${fleet.spawned ? 'choose another name for the child' : `give the worker a branch of its own, e.g. czar/${entry.name}`}.`,
      ),
    );
  if (branch === fleet.integration)
    problems.push(
      taken(
        `the integration branch czar merges finished work into; ${fleet.spawned ? 'choose another name for the child' : 'set a different branch: for the worker or another integration.branch'}.`,
      ),
    );
  (entry.scope ?? []).forEach((pattern, position) => {
    const problem = scopePatternProblem(pattern);
    if (problem !== undefined)
      problems.push({ field: ['scope', position], tail: `${JSON.stringify(pattern)} ${problem}` });
  });
  return problems;
}

/**
 * The entry rules over every worker of a config, given the base it resolves to. A written `integration.branch` that
 * a worker holds is the integration rule's to name, at that key.
 */
export function writtenEntryProblems(config: WrittenConfig, base: string | undefined): Problem[] {
  const fleet = {
    base,
    integration: config.integration?.branch === undefined ? DEFAULT_INTEGRATION_BRANCH : undefined,
  };
  return config.workers.flatMap((worker, index) =>
    workerEntryProblems(worker, fleet).map((problem) => problemAt(['workers', index, ...problem.field], problem.tail)),
  );
}

export const workerEntries: Rule = {
  name: 'worker-entries',
  check: (config) => writtenEntryProblems(config, config.base),
};
