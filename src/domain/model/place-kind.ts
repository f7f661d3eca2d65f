import type { SandboxSpec } from './box.js';

/** Which kind of place a worker runs in: a linked worktree here, a box here, or an SSH host. */
export type PlaceKind = 'worktree' | 'box' | 'host';

export function placeKind(worker: { host?: string | undefined; sandbox?: SandboxSpec | undefined }): PlaceKind {
  if (worker.host !== undefined) return 'host';
  return worker.sandbox === undefined ? 'worktree' : 'box';
}

/** A worker's place as status.json says it: its kind, and the host's name for a worker on one. */
export function placeFields(worker: { host?: string | undefined; sandbox?: SandboxSpec | undefined }): {
  place: PlaceKind;
  host?: string;
} {
  const place = placeKind(worker);
  return place === 'host' && worker.host !== undefined ? { place, host: worker.host } : { place };
}

/** Where a worker runs, for a sentence: nothing here, ` on host "name"` there. */
export function placeWhere(worker: { host?: string | undefined; sandbox?: SandboxSpec | undefined }): string {
  const { place, host } = placeFields(worker);
  return place === 'host' ? ` on host "${host ?? ''}"` : '';
}

/**
 * Whether a worker's folder, pane log, reports (written on this clock) and agent records are on this disk, where czar
 * reads them: a worktree's and a box's are; an SSH host's are read there, by the czar on the host, and streamed.
 */
export function onThisDisk(worker: { host?: string | undefined; sandbox?: SandboxSpec | undefined }): boolean {
  return placeKind(worker) !== 'host';
}
