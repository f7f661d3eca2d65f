import path from 'node:path';
import { pathExists } from '../adapters/file-system.js';
import { readAsStrangers } from '../adapters/git-client.js';
import { boxedReposFolder } from '../domain/model/box.js';
import { Tmux } from '../adapters/tmux.js';
import { CzarError } from '../domain/model/errors.js';
import { appendEvent, readEventsFrom } from '../adapters/state-files.js';
import { statePaths, type StatePaths } from '../domain/model/paths.js';
import type { Config } from '../domain/model/config-types.js';
import type { FleetEvent } from '../domain/model/words.js';
import { onThisDisk } from '../domain/model/place-kind.js';
import { HostLinks } from './host-links.js';

/** Everything an operation on one fleet needs: its config, state dir layout, tmux server and event log. */
export interface Fleet {
  /** Replaced (never changed in place) when a worker spawns a child: the config's workers plus the children. */
  config: Config;
  readonly paths: StatePaths;
  readonly tmux: Tmux;
  readonly log: EventLog;
  /** SSH hosts running some of the workers. */
  readonly hosts: HostLinks;
}

/** Appends events to `.czar/events.jsonl` and optionally echoes them (progress lines of `up`). */
export class EventLog {
  /** Events this process has appended: a reader of the log in the same process knows when to look again. */
  emitted = 0;
  /**
   * The last append: each waits for the one before. The czar emits a pass's events without waiting for each, and
   * concurrent appends land in any order (a launch logged before the state change that allowed it).
   */
  private tail: Promise<void> = Promise.resolve();
  /** Told each event in log order, as its line is about to be appended (`follow`). */
  private readonly followers = new Set<(events: readonly FleetEvent[]) => void>();

  constructor(
    private readonly paths: StatePaths,
    private readonly echo?: (event: FleetEvent) => void,
  ) {}

  async emit(kind: string, message: string, worker?: string, data?: Record<string, unknown>): Promise<FleetEvent> {
    const event: FleetEvent = {
      at: new Date().toISOString(),
      kind,
      message,
      ...(worker === undefined ? {} : { worker }),
      ...(data === undefined ? {} : { data }),
    };
    // An event line that cannot be written (the state dir deleted by hand, a full disk) must not take the czar or a
    // delivery down mid-action: the action is the point, its log line is its record. The echo still shows it.
    const append = this.tail
      .then(() => {
        for (const follower of this.followers) follower([event]);
        return appendEvent(this.paths, event);
      })
      .catch(() => undefined);
    this.tail = append;
    await append;
    this.emitted++;
    this.echo?.(event);
    return event;
  }

  /**
   * Tells `follower` the log's history once (what was appended before, by this process or another), then each event
   * this process logs, in log order: in the append chain, so no event is told twice or missed. An unreadable log
   * has no history to tell. Returns the way to stop following.
   */
  follow(follower: (events: readonly FleetEvent[]) => void): () => void {
    let following = true;
    this.tail = this.tail.then(() => {
      if (!following) return;
      let history: readonly FleetEvent[] = [];
      try {
        history = readEventsFrom(this.paths, 0).events;
      } catch {
        // The state dir made unreadable by hand: the metrics start from what this czar sees.
      }
      follower(history);
      this.followers.add(follower);
    });
    return () => {
      following = false;
      this.followers.delete(follower);
    };
  }
}

export function openFleet(config: Config, echo?: (event: FleetEvent) => void): Fleet {
  const paths = statePaths(config.stateDir);
  readAsStrangers(boxedReposFolder(paths.root));
  const tmux = new Tmux(config.tmuxSocket, paths.root);
  const log = new EventLog(paths, echo);
  const fallback = (message: string): void => void log.emit('tmux_fallback', message);
  tmux.onFallback = fallback;
  return { config, paths, tmux, log, hosts: new HostLinks(config, fallback) };
}

/**
 * Refuses a tmux server made for another state dir: two clones with the same `project:` get the same socket name,
 * and using the other's server would paste into its agents, replace its czar or stop its fleet.
 */
export async function verifyServerOwner(fleet: Fleet): Promise<void> {
  const owner = await fleet.tmux.ownerOfServer();
  if (owner === undefined || owner === fleet.paths.root) return;
  const { config } = fleet;
  if (!(await pathExists(owner))) {
    // Its state dir is gone, most likely moved with the repo: this may be our own fleet, under its old path.
    const repair = [
      'git',
      '-C',
      config.repo,
      'worktree',
      'repair',
      ...config.workers.filter(onThisDisk).map((worker) => worker.worktree),
    ].join(' ');
    throw new CzarError(
      'server_orphaned',
      `The tmux server "${config.tmuxSocket}" runs the fleet whose state dir ${owner} is gone (was ${path.dirname(owner)} moved here?); ` +
        `move the folder back and run the command again, or stop that fleet with "tmux -L ${config.tmuxSocket} kill-server" and then reconnect the worktrees with "${repair}".`,
    );
  }
  throw new CzarError(
    'server_taken',
    `The tmux server "${fleet.config.tmuxSocket}" runs the fleet of ${path.dirname(owner)} (state dir ${owner}), not this one, so czar leaves it alone; set another "project:" in ${fleet.config.file}.`,
  );
}
