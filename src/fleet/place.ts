import path from 'node:path';
import { shareBranches } from '../adapters/box-repo.js';
import { keepFleetDoor } from '../adapters/fleet-door.js';
import { hostStateDir } from '../domain/model/host-layout.js';
import type { Tmux } from '../adapters/tmux.js';
import { resolveLinks } from '../adapters/file-system.js';
import { doorBoxVerdict, doorPath } from '../domain/model/box.js';
import { placeKind, placeWhere, type PlaceKind } from '../domain/model/place-kind.js';
import { findBoxEngine } from '../adapters/box-engine.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import type { Fleet } from './handle.js';

/**
 * Where a worker runs, as the fleet reaches it: the seam above which nothing asks which kind of place a worker has.
 * A worker here (a linked worktree, or a box around a repository of its own) has its session on this machine's tmux
 * server, and its folder, pane log, reports and agent records on this disk. One on an SSH host has them there: its
 * session is reached through the host's link, and what happens there is read by the czar on the host and streamed.
 * The launch side of the seam (making the folder, starting the session) is `launch/places.ts`.
 */
export interface FleetPlace {
  readonly kind: PlaceKind;
  /** The tmux server its session runs on. */
  readonly tmux: Tmux;
  /** See `onThisDisk` in domain/model/box.ts. */
  readonly onThisDisk: boolean;
  /** Where it runs, for a sentence: nothing here, ` on host "name"` there. */
  readonly where: string;
  /**
   * Whether the server its session would start on is gone. This machine's runs the czar: one that is gone was taken
   * down (czar down, a closed demo), and starting a session would bring the fleet back behind the person's back. A
   * host's is started by the host's launch.
   */
  serverGone(): Promise<boolean>;
  /**
   * Readies the worker's session for its agent to start again, and says whether it is kept (the agent restarts in its
   * pane) or must be made anew. A host's is made again by the host's launch (its own paths and czar): stopped here.
   */
  keepSession(name: string): Promise<boolean>;
  /**
   * Brings within the worker's reach what a message to it may name: the fleet's branches, which a worktree shares with
   * the main repository and a box's repository of its own lacks. A host's clone fetches from its origin.
   * `folderJustMade`: the launch has just made its folder, which was made with them (a box's first task).
   */
  beforeMessage(folderJustMade?: boolean): Promise<void>;
  /**
   * Where czar reads a file the worker names in a report (a result file), named as the worker sees it: the same path
   * for a worktree; a box's own path where the box shows it, its state dir being its door; undefined for a file its
   * box does not show, which czar, outside, must not read for it.
   */
  fileOutside(file: string): Promise<string | undefined>;
  /**
   * Starts the network door that serves this place's boxed workers again, unless one runs: this machine's fleet door,
   * or the host's, in the host's state dir. Nothing for a worktree, which has no door.
   */
  keepNetDoor(): Promise<void>;
  /**
   * Hands this terminal to its session until the person detaches; `insideThisServer`: this process runs in a pane of
   * this machine's fleet server, whose client switches instead of nesting.
   */
  attach(session: string, insideThisServer: boolean): Promise<number>;
}

export function placeOf(fleet: Fleet, worker: WorkerSpec): FleetPlace {
  const kind = placeKind(worker);
  const host = worker.host;
  if (kind === 'host' && host !== undefined) {
    const { tmux } = fleet.hosts.link(host);
    return {
      kind,
      tmux,
      onThisDisk: false,
      where: placeWhere(worker),
      serverGone: async () => false,
      keepSession: async (name) => {
        await tmux.killSession(name);
        return false;
      },
      beforeMessage: async () => undefined,
      fileOutside: async (file) => file,
      keepNetDoor: async () => {
        const link = fleet.hosts.link(host);
        await link.ssh.run(['czar', 'box-door', '--start', hostStateDir(link.spec, fleet.config.project)]);
      },
      attach: (session) => fleet.hosts.attach(host, session),
    };
  }
  return {
    kind,
    tmux: fleet.tmux,
    onThisDisk: true,
    where: '',
    serverGone: async () => !(await fleet.tmux.serverRunning()),
    keepSession: async (name) => fleet.tmux.sessionExists(name),
    beforeMessage:
      kind === 'box'
        ? async (justMade) => (justMade === true ? undefined : shareWith(fleet, worker))
        : async () => undefined,
    fileOutside: kind === 'box' ? (file) => boxedFile(fleet, worker, file) : async (file) => file,
    keepNetDoor: kind === 'box' ? () => keepFleetDoor(fleet.paths.root) : async () => undefined,
    attach: (session, insideThisServer) => fleet.tmux.attach(session, { insideThisServer }),
  };
}

/**
 * A file a boxed worker names, where czar finds it: in its repository, or in its door (what it sees as the state
 * dir), links resolved and checked again, so a link it left cannot point czar at a file the box hides.
 */
async function boxedFile(fleet: Fleet, worker: WorkerSpec, file: string): Promise<string | undefined> {
  // sandbox: on where no engine is: unboxed, it names files as they are.
  if (doorBoxVerdict(worker, await findBoxEngine()).kind !== 'boxed') return file;
  const door = doorPath(fleet.paths.root, worker.name);
  const outside = within(worker.worktree, file)
    ? file
    : within(fleet.paths.root, file)
      ? path.join(door, path.relative(fleet.paths.root, file))
      : undefined;
  if (outside === undefined) return undefined;
  const real = await resolveLinks(outside).catch(() => undefined);
  // One that does not exist is read as named, and said missing.
  if (real === undefined) return outside;
  const roots = await Promise.all([worker.worktree, door].map((root) => resolveLinks(root).catch(() => root)));
  return roots.some((root) => within(root, real)) ? real : undefined;
}

function within(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** A box's repository gets the fleet's branches; one that cannot (its worker checked one of them out) is said. */
async function shareWith(fleet: Fleet, worker: WorkerSpec): Promise<void> {
  const { config } = fleet;
  await shareBranches(config.repo, worker.worktree, worker.branch, config.integration.branch).catch(
    async (error: unknown) =>
      fleet.log.emit(
        'box_fetch_failed',
        `the fleet's branches did not reach the repository of boxed worker ${worker.name}: ${error instanceof Error ? error.message : String(error)}; a branch a message names may be missing there`,
        worker.name,
      ),
  );
}
