import { freshReport } from './classify.js';
import { fleetBudgetSpent } from './budget.js';
import {
  currentTask,
  ownTask,
  type DeliverySummary,
  type GivenTask,
  type WorkerMemory,
  type WorkerModel,
} from '../model/model.js';
import type { BonusTask, WorkerSpec } from '../model/config-types.js';
import { openCheckpoints } from '../model/checkpoints.js';
import { taskKind } from '../learning/outcome.js';
import { chooseAgent } from '../learning/routing.js';
import { finishedForGood } from './verification.js';
import { openChildren } from './children.js';
import { slotFree, waitingFor, waitsBecause } from './starts.js';
import { MESSAGEABLE, model, name, notifyOnce, paused, reached, type Context, type Draft } from './draft.js';

/** Who gets work next: dependents told, queued workers launched under `max_active`, bonus tasks handed out. */

/** When a worker's work is in, tell each running dependent once (queued ones get it with their task). */
export function tellDependents(ctx: Context, draft: Draft, dependentsOf: ReadonlyMap<string, readonly Draft[]>): void {
  if (draft.memory.completedAt === undefined) return;
  const dependents = (dependentsOf.get(name(draft)) ?? []).filter(
    (other) =>
      !other.memory.toldAbout.includes(name(draft)) &&
      other.memory.tasks.length > 0 &&
      MESSAGEABLE.has(other.memory.state) &&
      !paused(ctx, other),
  );
  if (dependents.length === 0) return;
  for (const other of dependents) other.memory.toldAbout = [...other.memory.toldAbout, name(draft)];
  ctx.actions.push({
    kind: 'tell_dependents',
    worker: name(draft),
    dependents: dependents.map(name),
    summary: summarise(model(draft)),
    reason: `${name(draft)} finished with ${draft.worker.git.commitsAhead} commit(s)`,
  });
}

/** Who depends on each worker, by its name, in fleet order. */
export function dependentsByName(drafts: readonly Draft[]): Map<string, Draft[]> {
  const dependents = new Map<string, Draft[]>();
  for (const draft of drafts)
    for (const dependency of draft.worker.spec.dependsOn)
      dependents.set(dependency, [...(dependents.get(dependency) ?? []), draft]);
  return dependents;
}

/** What a finished worker delivered, for its dependents. */
export function summarise(worker: WorkerModel): DeliverySummary {
  const report = freshReport(worker) ?? worker.report;
  const last = worker.git.lastCommit;
  return {
    worker: worker.spec.name,
    branch: worker.spec.branch,
    commitsAhead: worker.git.commitsAhead,
    lastCommit: last === undefined ? undefined : { sha: last.sha, subject: last.subject },
    files: worker.git.filesChanged,
    note: report?.note,
    resultFile: report?.resultFile,
  };
}

/** Launches queued workers in config order while slots are free, and delivers tasks whose dependencies just finished. */
export function launchQueued(
  ctx: Context,
  drafts: readonly Draft[],
  byName: ReadonlyMap<string, Draft>,
  active: number,
): number {
  const done = (dependency: string): boolean => byName.get(dependency)?.memory.completedAt !== undefined;
  const dependencies = (draft: Draft): DeliverySummary[] =>
    draft.worker.spec.dependsOn.map((dep) => summarise(model(byName.get(dep) as Draft)));
  const depsReason = (draft: Draft): string =>
    draft.worker.spec.dependsOn.length === 0 ? '' : `; dependencies done: ${draft.worker.spec.dependsOn.join(', ')}`;
  let slots = active;
  for (const draft of drafts) {
    const memory = draft.memory;
    if (paused(ctx, draft) || memory.stopped) continue;
    if (memory.state === 'queued') {
      if (waitsBecause(draft.worker.spec, done, slots, ctx.fleet.policy.maxActive) !== undefined) continue;
      const task = ownTask(draft.worker.spec, ctx.now);
      ctx.actions.push({
        kind: 'launch',
        worker: name(draft),
        task,
        dependencies: dependencies(draft),
        reason: `slot ${slots + 1} of ${ctx.fleet.policy.maxActive} free${depsReason(draft)}`,
      });
      giveTask(ctx, draft, task);
      draft.launchedAt = ctx.now;
      memory.state = 'starting';
      memory.stateSince = ctx.now;
      slots += 1;
    } else if (
      memory.tasks.length === 0 &&
      memory.state === 'starting' &&
      draft.worker.pane?.alive === true &&
      waitingFor(draft.worker.spec, done).length === 0
    ) {
      const task = ownTask(draft.worker.spec, ctx.now);
      ctx.actions.push({
        kind: 'deliver_task',
        worker: name(draft),
        task,
        dependencies: dependencies(draft),
        reason: `launched early${depsReason(draft) || '; no dependencies'}`,
      });
      giveTask(ctx, draft, task);
    }
  }
  return slots;
}

function giveTask(ctx: Context, draft: Draft, task: GivenTask): void {
  Object.assign(draft.memory, withTask(draft.memory, draft.worker.spec, task, ctx.now));
}

/**
 * A task handed to a worker, whoever gave it (the policy, a person, an integration fix-up): it is the current task,
 * older reports go stale, the ladder starts over, and its dependencies count as told.
 */
export function withTask(memory: WorkerMemory, spec: WorkerSpec, task: GivenTask, now: number): WorkerMemory {
  return {
    ...memory,
    tasks: [...memory.tasks, task],
    briefedAt: now,
    toldAbout: [...new Set([...memory.toldAbout, ...spec.dependsOn])],
    ladder: { rung: 'none', at: now },
  };
}

/**
 * Hands bonus tasks to workers that finished with evidence, while slots are free. A task that builds on a worker
 * waits until that worker finished, and goes to that worker when it is free (it knows the code best). A spawned
 * child takes none: its branch reaches the integration branch only through its parent.
 */
export function handOutBonus(ctx: Context, drafts: readonly Draft[], active: number): readonly BonusTask[] {
  const queue = [...ctx.fleet.queue];
  if (queue.length === 0 || ctx.fleet.policy.bonus !== 'auto' || ctx.fleet.paused || fleetBudgetSpent(ctx.fleet))
    return queue;
  const free = drafts.filter(
    (draft) =>
      draft.worker.spec.parent === undefined &&
      finishedForGood(model(draft)) &&
      !draft.memory.paused &&
      draft.worker.pane?.alive === true &&
      openChildren(ctx.fleet, name(draft)).length === 0 &&
      !turnStillOpen(ctx, draft),
  );
  let slots = active;
  for (const task of [...queue]) {
    if (free.length === 0 || !slotFree(slots, ctx.fleet.policy.maxActive)) break;
    const base = task.buildsOn === undefined ? undefined : drafts.find((draft) => name(draft) === task.buildsOn);
    if (base !== undefined && base.memory.completedAt === undefined) continue;
    const routed = base === undefined ? routedTaker(ctx, task, free) : undefined;
    const taker = free.find((draft) => draft === base) ?? routed?.taker ?? free[0];
    if (taker === undefined) break;
    free.splice(free.indexOf(taker), 1);
    queue.splice(queue.indexOf(task), 1);
    const given = givenBonus(task, ctx.now, taker.worker.git.commitsAhead);
    const finished = `finished ${currentTask(model(taker))?.id ?? 'its task'} with ${taker.worker.git.commitsAhead} commit(s); slot free`;
    const reason = routed === undefined ? finished : `${finished}; routed: ${routed.reason}`;
    ctx.actions.push({ kind: 'bonus', worker: name(taker), task, reason });
    ctx.actions.push({
      kind: 'event',
      worker: name(taker),
      event: 'state',
      message: `${taker.memory.state} -> working (bonus ${task.id})`,
      reason,
    });
    giveTask(ctx, taker, given);
    taker.memory.state = 'working';
    taker.memory.stateSince = ctx.now;
    slots += 1;
  }
  return queue;
}

/**
 * For an `agent: auto` bonus task, the free worker whose agent the record chooses for the task's kind, among the free
 * workers' agents that are in the routing pool; undefined when routing has nothing to choose from.
 */
function routedTaker(
  ctx: Context,
  task: BonusTask,
  free: readonly Draft[],
): { readonly taker: Draft; readonly reason: string } | undefined {
  const routing = ctx.fleet.routing;
  if (task.routed !== true || routing === undefined) return undefined;
  const agents = [...new Set(free.map((draft) => draft.worker.spec.agent.name))];
  const pool = routing.pool.filter((agent) => agents.includes(agent));
  const choice = chooseAgent({
    kind: taskKind(task.kind, task.role, task.scope),
    repo: ctx.fleet.learning?.repo ?? '',
    outcomes: ctx.fleet.learning?.outcomes ?? [],
    settings: { ...routing, pool },
  });
  const taker = free.find((draft) => draft.worker.spec.agent.name === choice?.agent);
  return taker === undefined || choice === undefined ? undefined : { taker, reason: choice.reason };
}

/** How long a new task waits for the end of the turn that reported done, when the agent's hook should tell it. */
export const TURN_END_WAIT_MS = 30_000;

/**
 * The worker reported done from inside a turn that has not ended: its last model calls still belong to the task it
 * finished, and an agent such as Gemini CLI queues a paste made meanwhile, so a new task waits for that turn's end.
 * Timed from when czar saw the done (its own clock: a host's may differ), and not forever: a hook may never fire.
 */
function turnStillOpen(ctx: Context, draft: Draft): boolean {
  return draft.worker.report?.turnOpen === true && !reached(ctx, draft, draft.memory.stateSince + TURN_END_WAIT_MS);
}

/** A bonus task as the worker it goes to holds it, whether the policy or a person gave it. */
export function givenBonus(task: BonusTask, now: number, commitsAtStart: number): GivenTask {
  return {
    id: task.id,
    title: task.title,
    text: task.task,
    scope: task.scope,
    roleText: task.roleText,
    kind: taskKind(task.kind, task.role, task.scope),
    buildsOn: task.buildsOn,
    at: now,
    commitsAtStart,
    checkpoints: openCheckpoints(task.checkpoints),
    ...(task.lessons === undefined || task.lessons.length === 0
      ? {}
      : { lessons: task.lessons.map((lesson) => lesson.id) }),
  };
}

/** A worker that finished and got nothing new is worth one notification. */
export function notifyDone(ctx: Context, draft: Draft): void {
  if (!finishedForGood(model(draft))) return;
  const note = draft.worker.report?.note;
  const state = draft.memory.state === 'verified' ? 'verified' : 'done';
  notifyOnce(ctx, draft, state, `${name(draft)} is ${state}${note === undefined ? '' : `: ${note}`}`, draft.why);
}
