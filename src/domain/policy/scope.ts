import { currentTask, effectiveScope, isIntegrated } from '../model/model.js';
import { touchedFiles, touchedFileSet } from '../status/touched-files.js';
import { freshReport } from './classify.js';
import { inScope } from '../model/glob.js';
import {
  clearAlert,
  findAlert,
  MESSAGEABLE,
  model,
  name,
  paused,
  raiseAlert,
  replaceAlert,
  type Context,
  type Draft,
} from './draft.js';

/** Confusion checks: a worker on another task, outside its scope, or changing the same files as a peer. */

/**
 * Confused about its task: the worker's own report names a task other than the one czar gave it (a bonus task it
 * never switched to, or work it invented). One alert, and the task pasted again once, while the mismatch lasts.
 */
export function checkTask(ctx: Context, draft: Draft): void {
  const report = freshReport(draft.worker);
  const task = currentTask(draft.worker);
  if (report?.task === undefined || task === undefined || report.task === task.id) {
    clearAlert(ctx, draft, 'off_task', undefined, 'reports on the task it was given');
    return;
  }
  if (findAlert(draft.memory, 'off_task', undefined) !== undefined) return;
  const reason = `reports working on "${report.task}", but its task is "${task.id}" (${task.title})`;
  raiseAlert(ctx, draft, 'off_task', reason, { reason });
  if (paused(ctx, draft) || !MESSAGEABLE.has(draft.memory.state) || draft.worker.pane?.alive !== true) return;
  ctx.actions.push({ kind: 'rebrief', worker: name(draft), task, reason });
}

/** Files outside the worker's scope: alert on each new set, and paste one realign message per new file. */
export function checkScope(ctx: Context, draft: Draft): void {
  const memory = draft.memory;
  if (draft.launchedAt === undefined || memory.state === 'stopped') return;
  const scope = effectiveScope(model(draft));
  const outside = touchedFiles(draft.worker.git).filter((file) => !inScope(scope, file));
  if (outside.length === 0) {
    clearAlert(ctx, draft, 'off_scope', undefined, 'all changed files are inside the scope');
    return;
  }
  const existing = findAlert(memory, 'off_scope', undefined);
  const reason = `changes ${outside.length} file(s) outside its scope (${scope.join(', ')})`;
  if (existing === undefined || outside.some((file) => !(existing.files ?? []).includes(file))) {
    replaceAlert(ctx, draft, 'off_scope', `${reason}: ${outside.join(', ')}`, reason, { files: outside });
  }
  const unsent = outside.filter((file) => !memory.realigned.includes(file));
  if (unsent.length === 0 || paused(ctx, draft) || !MESSAGEABLE.has(memory.state) || draft.worker.pane?.alive !== true)
    return;
  ctx.actions.push({ kind: 'realign', worker: name(draft), files: outside, scope, reason });
  memory.realigned = [...new Set([...memory.realigned, ...outside])];
}

/**
 * Pairs of live branches changing the same files; a dependency pair or a parent and its child (cut from it, merged
 * back) shares files by design and is skipped, and a pair whose branches are both integrated left nothing to resolve.
 * Only workers that touch a file in common can share one, so pairs come from an index of files to workers (a pass
 * over hundreds of workers stays linear), plus each overlap already alerted, which may have to be cleared.
 */
export function checkOverlap(ctx: Context, drafts: readonly Draft[]): void {
  const live = drafts.filter((draft) => draft.launchedAt !== undefined && draft.memory.state !== 'stopped');
  const order = new Map(live.map((draft, index) => [draft, index]));
  const byName = new Map(live.map((draft) => [name(draft), draft]));
  const touching = new Map<string, Draft[]>();
  for (const draft of live)
    for (const file of touchedFiles(draft.worker.git)) {
      const sharing = touching.get(file);
      if (sharing === undefined) touching.set(file, [draft]);
      else sharing.push(draft);
    }
  const pairs = new Map<Draft, Set<Draft>>();
  const pair = (a: Draft, b: Draft): void => {
    const [first, second] = (order.get(a) ?? 0) < (order.get(b) ?? 0) ? [a, b] : [b, a];
    pairs.set(first, (pairs.get(first) ?? new Set()).add(second));
  };
  for (const sharing of touching.values())
    for (const [index, a] of sharing.entries()) for (const b of sharing.slice(index + 1)) pair(a, b);
  for (const draft of live)
    for (const alert of draft.memory.alerts) {
      const peer = alert.kind === 'overlap' && alert.peer !== undefined ? byName.get(alert.peer) : undefined;
      if (peer !== undefined && peer !== draft) pair(draft, peer);
    }
  for (const a of live)
    for (const b of [...(pairs.get(a) ?? [])].sort((x, y) => (order.get(x) ?? 0) - (order.get(y) ?? 0))) {
      if (a.worker.spec.dependsOn.includes(name(b)) || b.worker.spec.dependsOn.includes(name(a))) continue;
      if (a.worker.spec.parent === name(b) || b.worker.spec.parent === name(a)) continue;
      const theirs = touchedFileSet(b.worker.git);
      const settled = theirs.size === 0 || (isIntegrated(a.worker, ctx.fleet) && isIntegrated(b.worker, ctx.fleet));
      const shared = settled ? [] : touchedFiles(a.worker.git).filter((file) => theirs.has(file));
      overlapAlert(ctx, a, name(b), shared);
      overlapAlert(ctx, b, name(a), shared);
    }
}

function overlapAlert(ctx: Context, draft: Draft, peer: string, shared: readonly string[]): void {
  const existing = findAlert(draft.memory, 'overlap', peer);
  if (shared.length === 0) {
    if (existing !== undefined) clearAlert(ctx, draft, 'overlap', peer, `no longer shares files with ${peer}`);
    return;
  }
  if (existing !== undefined && shared.every((file) => (existing.files ?? []).includes(file))) return;
  const message = `changes the same ${shared.length} file(s) as ${peer}: ${shared.join(', ')}`;
  replaceAlert(ctx, draft, 'overlap', message, `both branches touch ${shared.join(', ')}`, { files: shared, peer });
}
