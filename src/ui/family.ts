/** The fleet as a tree for the table: each child right under its parent, indented by its depth. */
import type { WorkerStatus } from '../domain/status/status-schema.js';

/** Parents before their children, children in fleet order; a worker whose parent is gone stays a root. */
export function familyOrder(workers: readonly WorkerStatus[]): WorkerStatus[] {
  const names = new Set(workers.map((worker) => worker.name));
  const isRoot = (worker: WorkerStatus) => worker.parent === undefined || !names.has(worker.parent);
  const ordered: WorkerStatus[] = [];
  const placed = new Set<string>();
  const place = (worker: WorkerStatus) => {
    if (placed.has(worker.name)) return;
    placed.add(worker.name);
    ordered.push(worker);
    for (const child of workers) if (child.parent === worker.name) place(child);
  };
  for (const worker of workers) if (isRoot(worker)) place(worker);
  // A parent loop (not made by czar, but status files are read from disk) still shows every worker once.
  for (const worker of workers) place(worker);
  return ordered;
}

/** How many parents up the worker's line goes within `workers` (0 for a root). */
export function familyDepth(workers: readonly WorkerStatus[], worker: WorkerStatus): number {
  const byName = new Map(workers.map((each) => [each.name, each]));
  let depth = 0;
  for (let up = worker.parent; up !== undefined && depth < workers.length; up = byName.get(up)?.parent) {
    if (!byName.has(up)) break;
    depth += 1;
  }
  return depth;
}

/** `└ name`, two columns further in for each level below the first. */
export function nameCell(name: string, depth: number): string {
  return depth === 0 ? name : `${'  '.repeat(depth - 1)}└ ${name}`;
}

/** `(2 children owed) ` in front of a parent's task while children are neither merged nor cancelled. */
export function owedPrefix(worker: WorkerStatus): string {
  const owed = (worker.children ?? []).filter((child) => child.owed).length;
  if (owed === 0) return '';
  return `(${owed} ${owed === 1 ? 'child' : 'children'} owed) `;
}
