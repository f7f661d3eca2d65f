import * as z from 'zod';
import type { FleetStatus } from './status-schema.js';

/**
 * What a worker sees of the fleet: its peers (what `czar peers` prints) and its own checkpoints (what `czar report
 * --checkpoint` matches). A boxed worker sees nothing of `.czar/` but its door, so czar writes this view there,
 * bounded (a peer's note or file list cannot fill a door); `czar peers` pictures every control character it prints.
 */

const MAX_PEERS = 200;
const MAX_FILES = 40;
const MAX_TEXT = 300;

const text = z.string().max(MAX_TEXT * 2);

export const peerSchema = z.strictObject({
  name: text,
  state: text,
  branch: text,
  title: text,
  note: text.optional(),
  files: z.array(text).max(MAX_FILES),
  moreFiles: z.number().int().nonnegative(),
});
export type Peer = z.infer<typeof peerSchema>;

export const doorViewSchema = z.strictObject({
  worker: text,
  /** The commit base pointed at: a step's commit must not already be in it. */
  base: text.optional(),
  checkpoints: z.array(z.strictObject({ text, doneAt: text.optional() })).max(MAX_PEERS),
  peers: z.array(peerSchema).max(MAX_PEERS),
  /** Files the worker itself changed, so `czar peers` can mark a peer's that are its too. */
  mine: z.array(text).max(MAX_FILES),
  queue: z.array(text).max(MAX_PEERS),
});
export type DoorView = z.infer<typeof doorViewSchema>;

/** Cut to length; kept exact otherwise (JSON escapes what it holds, and `czar peers` pictures every control). */
function shown(value: string): string {
  return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
}

/** The view of the fleet that `worker` may have, from the fleet's status. */
export function doorView(status: FleetStatus, worker: string, baseCommit?: string): DoorView {
  const own = status.workers.find((entry) => entry.name === worker);
  const peers = status.workers
    .filter((entry) => entry.name !== worker)
    .slice(0, MAX_PEERS)
    .map((entry): Peer => {
      const files = [...new Set([...entry.git.filesChanged, ...entry.git.dirty])];
      return {
        name: shown(entry.name),
        state: shown(entry.state),
        branch: shown(entry.branch),
        title: shown(entry.title),
        ...(entry.note === undefined ? {} : { note: shown(entry.note) }),
        files: files.slice(0, MAX_FILES).map(shown),
        moreFiles: Math.max(0, files.length - MAX_FILES),
      };
    });
  return {
    worker,
    ...(baseCommit === undefined ? {} : { base: baseCommit }),
    checkpoints: (own?.checkpoints?.items ?? [])
      .slice(0, MAX_PEERS)
      .map((item) => ({ text: shown(item.text), ...(item.doneAt === undefined ? {} : { doneAt: item.doneAt }) })),
    peers,
    mine: (own?.git.filesChanged ?? []).slice(0, MAX_FILES).map(shown),
    queue: status.queue.slice(0, MAX_PEERS).map((task) => shown(task.title)),
  };
}

/** What `czar peers` prints, from a worker's view: one line per peer and the files it changes. */
export function peerLines(view: DoorView): string[] {
  const mine = new Set(view.mine);
  const lines: string[] = [];
  for (const peer of view.peers) {
    lines.push(
      `${peer.name} (${peer.state}, branch ${peer.branch}): ${peer.title}${peer.note === undefined ? '' : ` — ${peer.note}`}`,
    );
    const files = peer.files.slice(0, 20);
    const more = peer.files.length - files.length + peer.moreFiles;
    if (files.length > 0)
      lines.push(
        `  changing: ${files.map((file) => (mine.has(file) ? `${file} (you too!)` : file)).join(', ')}${more > 0 ? `, +${more} more` : ''}`,
      );
  }
  if (view.queue.length > 0) lines.push(`queued bonus tasks: ${view.queue.join('; ')}`);
  return lines;
}

/** The view before czar's first status: the config already says who does what, and the worker's own checkpoints. */
export function startingView(
  workers: readonly { name: string; branch: string; title: string }[],
  worker: string,
  checkpoints: readonly string[] = [],
  baseCommit?: string,
): DoorView {
  return {
    worker,
    ...(baseCommit === undefined ? {} : { base: baseCommit }),
    checkpoints: checkpoints.slice(0, MAX_PEERS).map((item) => ({ text: shown(item) })),
    mine: [],
    queue: [],
    peers: workers
      .filter((entry) => entry.name !== worker)
      .slice(0, MAX_PEERS)
      .map((entry) => ({
        name: shown(entry.name),
        state: 'starting',
        branch: shown(entry.branch),
        title: shown(entry.title),
        files: [],
        moreFiles: 0,
      })),
  };
}
