import type { TaskMetrics } from './status-schema.js';

/**
 * Spawned workers' figures rolled up into the task that spawned them: the parent's task row counts its children's
 * (and their children's) tokens and cost, and says how much of them was the children's, with the children's summed
 * time to done. A child's task belongs to the parent's task that was running when the child's task was delivered.
 */
export function rollUpChildren(tasks: readonly TaskMetrics[], parentOf: ReadonlyMap<string, string>): TaskMetrics[] {
  const spawned = new Map<TaskMetrics, TaskMetrics[]>();
  // Each worker's tasks, in order, from one walk: a filter per task grew with the fleet squared.
  const byWorker = new Map<string, TaskMetrics[]>();
  for (const task of tasks) {
    const theirs = byWorker.get(task.worker);
    if (theirs === undefined) byWorker.set(task.worker, [task]);
    else theirs.push(task);
  }
  for (const task of tasks) {
    const parent = parentOf.get(task.worker);
    if (parent === undefined) continue;
    const theirs = byWorker.get(parent) ?? [];
    const host = theirs.findLast((candidate) => candidate.startedAt <= task.startedAt) ?? theirs[0];
    if (host !== undefined && host !== task) spawned.set(host, [...(spawned.get(host) ?? []), task]);
  }
  // Every task below `task` once, however deep; a parent loop in a status file cannot make it run forever.
  const below = (task: TaskMetrics, seen: Set<TaskMetrics>): TaskMetrics[] =>
    (spawned.get(task) ?? []).flatMap((child) => {
      if (seen.has(child)) return [];
      seen.add(child);
      return [child, ...below(child, seen)];
    });
  return tasks.map((task) => {
    const descendants = below(task, new Set([task]));
    if (descendants.length === 0) return task;
    const known = descendants.every((child) => child.tokens !== undefined);
    const sum = (pick: (child: TaskMetrics) => number | undefined) =>
      descendants.reduce((total, child) => total + (pick(child) ?? 0), 0);
    const tokens = sum((child) => child.tokens);
    const usd = sum((child) => child.usd);
    return {
      ...task,
      ...(known && task.tokens !== undefined ? { tokens: task.tokens + tokens, usd: (task.usd ?? 0) + usd } : {}),
      children: {
        workers: [...new Set(descendants.map((child) => child.worker))],
        ms: sum((child) => child.toDoneMs),
        ...(known ? { tokens, usd } : {}),
        unpricedModels: [...new Set(descendants.flatMap((child) => child.unpricedModels))],
      },
    };
  });
}
