import path from 'node:path';
import { boxedRepoPath } from '../domain/model/box.js';
import { onThisDisk } from '../domain/model/place-kind.js';
import type { CzarRequest } from '../domain/model/czar-request.js';
import type { Config, WorkerSpec } from '../domain/model/config-types.js';
import { WORKER_NAME } from '../domain/model/words.js';
import { visible } from '../domain/model/sanitize.js';
import { taskTitle, workerBranch } from './normalise.js';
import { workerEntryProblems } from './rules-worker-entry.js';

type SpawnRequest = Extract<CzarRequest, { kind: 'spawn' }>;

/**
 * The spec of a child a worker asks for, resolved as the config resolves a worker's: its parent's agent, checks,
 * review and environment unless the request names an agent or a subset of the checks. A string says why not.
 */
export function childSpec(config: Config, parent: WorkerSpec, request: SpawnRequest): WorkerSpec | string {
  const name = request.child;
  if (!WORKER_NAME.test(name))
    return `"${visible(name)}" is not a worker name (lower-case letters, digits, "-" and "_", starting with a letter or digit); choose another.`;
  const entry = workerEntryProblems(
    { name, scope: request.scope },
    { base: config.base, integration: config.integration.branch, spawned: true },
  )[0];
  if (entry !== undefined) return `${childField(entry.field)} ${entry.tail}`;
  if (!onThisDisk(parent))
    return `${parent.name} runs on host "${parent.host ?? ''}", and czar spawns children only beside workers on this machine; do this part yourself.`;
  const agent = request.agent === undefined ? parent.agent : config.agents[request.agent];
  if (agent === undefined)
    return `--agent "${visible(request.agent ?? '')}" is not an agent of this fleet; use one of ${Object.keys(config.agents).join(', ')}.`;
  const unknown = (request.checks ?? []).filter((check) => !parent.checks.some((own) => own.name === check));
  if (unknown.length > 0)
    return `--checks ${unknown.map((check) => `"${visible(check)}"`).join(', ')} is not a check of ${parent.name}; use some of ${parent.checks.map((check) => check.name).join(', ') || '(it has none)'}.`;
  const task = request.task.trimEnd();
  return {
    name,
    task,
    title: taskTitle(task),
    taskSource: `czar spawn by ${parent.name}`,
    branch: workerBranch({ name, branch: undefined }),
    agent,
    role: undefined,
    roleText: undefined,
    scope: request.scope,
    dependsOn: [],
    env: parent.env,
    // A boxed parent's child is boxed as it is: spawning must never be a way out of the box.
    worktree: parent.sandbox === undefined ? path.join(config.worktrees, name) : boxedRepoPath(config.stateDir, name),
    checks:
      request.checks === undefined
        ? parent.checks
        : parent.checks.filter((check) => request.checks?.includes(check.name) === true),
    review: parent.review,
    parent: parent.name,
    ...(parent.sandbox === undefined ? {} : { sandbox: parent.sandbox }),
  };
}

/** How a field of the entry rules reads for a spawn: the flag or word that gave it. */
function childField(field: readonly (string | number)[]): string {
  if (field[0] === 'scope') return '--scope';
  return field[0] === 'name' ? 'The name' : 'The child';
}
