import type { CzarRequest } from '../model/czar-request.js';
import type { WorkerSpec } from '../model/config-types.js';
import { childrenOf, owedToParent } from './children.js';
import { initialWorker, type FleetModel } from '../model/model.js';
import { finishedForGood } from './verification.js';
import type { Action } from './actions.js';
import { clearAlert, keepAlert, MESSAGEABLE, model, name, paused, type Context, type Draft } from './draft.js';

/**
 * Sub-workers: a worker's `czar spawn` adds a child to the fleet (queued, launched under `max_active` like any
 * worker); a child's finished work is offered to its parent, never integrated on its own; a parent is not done while
 * a child is neither merged into its branch nor cancelled.
 */

type Reply = (ok: boolean, message: string, after?: string) => void;

/** Levels of parents above the worker: 0 for a configured worker. */
export function depthOf(fleet: Pick<FleetModel, 'workers'>, worker: string): number {
  let depth = 0;
  let parent = fleet.workers.find((candidate) => candidate.spec.name === worker)?.spec.parent;
  while (parent !== undefined && depth < fleet.workers.length) {
    depth += 1;
    const name = parent;
    parent = fleet.workers.find((candidate) => candidate.spec.name === name)?.spec.parent;
  }
  return depth;
}

/** Why the spawn may not happen (one sentence naming the limit), or undefined when it may. */
export function spawnRefusal(fleet: FleetModel, parent: string, child: string): string | undefined {
  const owner = fleet.workers.find((worker) => worker.spec.name === parent);
  if (owner === undefined) return `There is no worker "${parent}" in this fleet to spawn "${child}".`;
  if (owner.memory.stopped) return `Worker "${parent}" is stopped, so it may not spawn "${child}".`;
  if (fleet.workers.some((worker) => worker.spec.name === child))
    return `There is already a worker "${child}" in this fleet; choose another name for the child.`;
  const { maxChildren, maxDepth } = fleet.policy.spawn;
  const depth = depthOf(fleet, parent) + 1;
  if (maxDepth !== undefined && depth > maxDepth)
    return `"${child}" would be ${depth} level(s) below a configured worker, over policy.spawn.max_depth ${maxDepth}; do this part yourself, or raise max_depth in the config.`;
  const living = childrenOf(fleet, parent).filter((worker) => !worker.memory.stopped).length;
  if (maxChildren !== undefined && living >= maxChildren)
    return `"${parent}" already has ${living} child(ren), the most policy.spawn.max_children (${maxChildren}) allows; cancel one with "czar spawn --cancel <name>", or do this part yourself.`;
  return undefined;
}

/** Answers a spawn: the child joins the fleet queued, and the executor records it and makes its branch from the parent's. */
export function answerSpawn(
  fleet: FleetModel,
  request: Extract<CzarRequest, { kind: 'spawn' }>,
  child: WorkerSpec | undefined,
  now: number,
  actions: Action[],
  reply: Reply,
): FleetModel {
  const refused =
    child === undefined
      ? `The child "${request.child}" could not be made.`
      : spawnRefusal(fleet, request.worker, child.name);
  if (refused !== undefined || child === undefined) {
    reply(false, refused ?? '');
    return fleet;
  }
  actions.push({ kind: 'spawn', worker: child.name, spec: child, reason: `spawned by ${request.worker}` });
  reply(
    true,
    `spawned ${child.name} on branch ${child.branch}, cut from ${request.worker}'s branch; it is told when to start in "czar status", and you are told when its work is ready to merge`,
    child.name,
  );
  return { ...fleet, workers: [...fleet.workers, initialWorker(child, now)] };
}

/** Answers a cancel, by the child's parent (`by`, proven by the source) or a person: the child stops for good. */
export function answerCancel(
  fleet: FleetModel,
  request: Extract<CzarRequest, { kind: 'cancel' }>,
  now: number,
  actions: Action[],
  reply: Reply,
): FleetModel {
  const child = fleet.workers.find((worker) => worker.spec.name === request.worker);
  const parent = child?.spec.parent;
  if (child === undefined || parent === undefined) {
    reply(false, `"${request.worker}" is not a spawned worker of this fleet, so there is nothing to cancel.`);
    return fleet;
  }
  if (request.by !== undefined && request.by !== parent) {
    reply(
      false,
      `"${request.worker}" was spawned by ${parent}, not ${request.by}: only its parent or a person cancels it.`,
    );
    return fleet;
  }
  if (child.memory.stopped) {
    reply(true, `${request.worker} was already cancelled`);
    return fleet;
  }
  const by = request.by ?? 'the person';
  actions.push({ kind: 'cancel_child', worker: request.worker, reason: `cancelled by ${by}` });
  reply(
    true,
    `cancelled ${request.worker}: its session stops; its branch ${child.spec.branch} is kept`,
    request.worker,
  );
  const workers = fleet.workers.map((worker) =>
    worker === child
      ? {
          ...worker,
          memory: { ...worker.memory, stopped: true, state: 'stopped' as const, stateSince: now },
        }
      : worker,
  );
  return { ...fleet, workers };
}

/**
 * Once per finished tip, a child's work is offered to its parent (between the parent's turns); a parent that is done
 * while children are owed gets an alert naming them, which ends when each is merged or cancelled.
 */
export function settleChildren(ctx: Context, drafts: readonly Draft[]): void {
  const byName = new Map(drafts.map((draft) => [name(draft), draft]));
  for (const draft of drafts) {
    const parent = draft.worker.spec.parent === undefined ? undefined : byName.get(draft.worker.spec.parent);
    if (parent !== undefined) offerToParent(ctx, draft, parent);
  }
  const owed = new Map<string, string[]>();
  for (const child of drafts) {
    const parent = child.worker.spec.parent;
    if (parent !== undefined && owedToParent(model(child)))
      owed.set(parent, [...(owed.get(parent) ?? []), name(child)]);
  }
  for (const draft of drafts) {
    const owedNames = owed.get(name(draft)) ?? [];
    const claimsDone = draft.memory.state === 'done' || draft.memory.state === 'verified';
    if (claimsDone && owedNames.length > 0) {
      keepAlert(
        ctx,
        draft,
        'children_open',
        `done, but its children ${owedNames.join(', ')} are neither merged into its branch nor cancelled; it is not integrated until each is`,
        `${owedNames.length} child(ren) still owed`,
      );
    } else clearAlert(ctx, draft, 'children_open', undefined, 'every child is merged or cancelled');
  }
}

function offerToParent(ctx: Context, child: Draft, parent: Draft): void {
  const tip = child.worker.git.lastCommit?.sha;
  // Told once per finished tip, remembered with the parent's other news (`toldAbout`).
  const told = `${name(child)}@${tip ?? ''}`;
  if (tip === undefined || parent.memory.toldAbout.includes(told) || child.worker.inParent === true) return;
  if (!finishedForGood(model(child)) || child.memory.stopped) return;
  const pane = parent.worker.pane;
  const betweenTurns =
    pane?.alive === true && !pane.screenBusy && !pane.screenWaiting && parent.memory.state !== 'working';
  if (!betweenTurns || !MESSAGEABLE.has(parent.memory.state) || paused(ctx, parent)) return;
  parent.memory.toldAbout = [...parent.memory.toldAbout, told];
  // The turn this message starts is the merge: the parent's earlier done does not hold against it.
  parent.memory.heldDone = undefined;
  ctx.actions.push({
    kind: 'tell_parent',
    worker: name(parent),
    child: name(child),
    branch: child.worker.spec.branch,
    sha: tip,
    reason: `${name(child)} is ${child.memory.state} at ${tip.slice(0, 7)}`,
  });
}
