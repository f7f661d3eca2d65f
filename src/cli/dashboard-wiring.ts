import path from 'node:path';
import { readEventsFrom, readJson, readStatusFile } from '../adapters/state-files.js';
import { watchPaths, type Watch } from '../adapters/watcher.js';
import { CzarError } from '../domain/model/errors.js';
import type { FleetEvent } from '../domain/model/words.js';
import type { FleetStatus } from '../domain/status/status-schema.js';
import type { Fleet } from '../fleet/handle.js';
import type { DashboardActions, DashboardSnapshot, DashboardStore } from '../ui/ports.js';
import { runDashboard } from '../ui/render.js';
import { liveCzarPid } from '../fleet/requests.js';
import { CZAR_SESSION } from '../domain/model/paths.js';
import { withCzarLiveness } from '../domain/status/status-render.js';
import { attachTo, commentRequest, openLog, requestOrThrow } from './person-actions.js';

const EVENTS_KEPT = 200;
const TAIL_LINES = 20;
/** Pane tails refresh at most this often while output flows (one batched capture for all changed panes). */
const TAIL_REFRESH_MS = 250;
/** How often the dashboard checks that the czar process is still alive (a killed czar cannot say so itself). */
const CZAR_CHECK_MS = 5_000;

/**
 * The dashboard's view of a fleet on disk: status.json, the event log and live pane tails, refreshed by file
 * events (no timer drives redraws). Any number of dashboards can watch one fleet; none of them is the czar.
 */
export class FleetDiskStore implements DashboardStore {
  private snapshot: DashboardSnapshot;
  private readonly listeners = new Set<() => void>();
  private eventsOffset = 0;
  private watches: Watch[] = [];
  private tailTimer: NodeJS.Timeout | undefined;
  private czarTimer: NodeJS.Timeout | undefined;
  private czarAlive = true;
  private readonly tailsWanted = new Set<string>();

  constructor(
    private readonly fleet: Fleet,
    status: FleetStatus,
    private readonly onNotify: (event: FleetEvent) => void = () => undefined,
  ) {
    this.snapshot = { status, events: [], paneTails: {}, now: Date.now() };
  }

  static async open(fleet: Fleet, onNotify?: (event: FleetEvent) => void): Promise<FleetDiskStore> {
    const status = await firstStatus(fleet);
    const store = new FleetDiskStore(fleet, status, onNotify);
    await store.start();
    return store;
  }

  getSnapshot = (): DashboardSnapshot => this.snapshot;

  subscribe = (onChange: () => void): (() => void) => {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  };

  async start(): Promise<void> {
    const { paths } = this.fleet;
    const initial = readEventsFrom(paths, 0);
    this.eventsOffset = initial.offset;
    this.set({ events: initial.events.slice(-EVENTS_KEPT) });
    for (const worker of this.snapshot.status.workers) this.tailsWanted.add(worker.name);
    await this.refreshTails();
    await this.checkCzar();
    this.czarTimer = setInterval(() => void this.checkCzar(), CZAR_CHECK_MS);
    this.watches = [
      watchPaths(
        [paths.root],
        (file) => {
          if (file === paths.status) void this.refreshStatus();
          else if (file === paths.events) void this.refreshEvents();
        },
        { depth: 0 },
      ),
      watchPaths(
        [paths.logs],
        (file) => {
          this.tailsWanted.add(path.basename(file, '.log'));
          this.tailTimer ??= setTimeout(() => void this.refreshTails(), TAIL_REFRESH_MS);
        },
        { depth: 0 },
      ),
    ];
  }

  async close(): Promise<void> {
    if (this.tailTimer !== undefined) clearTimeout(this.tailTimer);
    if (this.czarTimer !== undefined) clearInterval(this.czarTimer);
    await Promise.all(this.watches.map((watch) => watch.close()));
  }

  private set(change: Partial<DashboardSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change, now: Date.now() };
    for (const listener of this.listeners) listener();
  }

  private async refreshStatus(): Promise<void> {
    const status = await readJson<FleetStatus>(this.fleet.paths.status);
    if (status !== undefined) this.set({ status: withCzarLiveness(status, this.czarAlive) });
  }

  /** A czar killed without warning leaves `supervisor` in status.json: the header must not call it alive. */
  private async checkCzar(): Promise<void> {
    const alive = (await liveCzarPid(this.fleet.paths)) !== undefined;
    if (alive === this.czarAlive) return;
    this.czarAlive = alive;
    if (alive) await this.refreshStatus();
    else this.set({ status: withCzarLiveness(this.snapshot.status, this.czarAlive) });
  }

  private async refreshEvents(): Promise<void> {
    const next = readEventsFrom(this.fleet.paths, this.eventsOffset);
    this.eventsOffset = next.offset;
    if (next.events.length === 0) return;
    for (const event of next.events) if (event.kind === 'notify') this.onNotify(event);
    this.set({ events: [...this.snapshot.events, ...next.events].slice(-EVENTS_KEPT) });
  }

  private async refreshTails(): Promise<void> {
    this.tailTimer = undefined;
    const names = [...this.tailsWanted];
    this.tailsWanted.clear();
    const panes = this.snapshot.status.workers.filter(
      (worker) => names.includes(worker.name) && worker.paneId !== undefined,
    );
    const screens = await this.fleet.tmux.captureMany(panes.map((worker) => worker.paneId as string));
    const tails = { ...this.snapshot.paneTails };
    let changed = false;
    for (const worker of panes) {
      const lines = (screens.get(worker.paneId as string) ?? '').split('\n').map((line) => line.trimEnd());
      while (lines.length > 0 && lines.at(-1) === '') lines.pop();
      const tail = lines.slice(-TAIL_LINES);
      const before = tails[worker.name];
      // A pane that wrote but shows the same lines (a cursor moved, a spinner came back round) changes nothing.
      if (before?.length === tail.length && before.every((line, index) => line === tail[index])) continue;
      tails[worker.name] = tail;
      changed = true;
    }
    if (changed) this.set({ paneTails: tails });
  }
}

/** How long a dashboard opened right after `czar up` waits for the czar, still starting, to write its first status. */
const FIRST_STATUS_MS = 20_000;

/**
 * The status file to start from. Right after `czar up` the czar may still be starting: while its tmux session
 * exists, wait for the first status rather than fail.
 */
async function firstStatus(fleet: Fleet): Promise<FleetStatus> {
  const deadline = Date.now() + FIRST_STATUS_MS;
  for (;;) {
    const status = await readStatusFile(fleet.paths);
    if (status !== undefined) return status;
    if (Date.now() > deadline || !(await fleet.tmux.sessionExists(CZAR_SESSION))) {
      throw new CzarError(
        'no_status',
        `There is no ${fleet.paths.status} yet; start the fleet with "czar up" (or look at the czar with "czar attach czar").`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The dashboard's actions: the same requests and commands the CLI uses. */
export function fleetActions(fleet: Fleet): DashboardActions {
  const ask = async (body: Parameters<typeof requestOrThrow>[1]): Promise<void> => {
    await requestOrThrow(fleet, body);
  };
  return {
    attach: async (worker) => {
      // tmux's own complaint went to the screen the dashboard is about to draw over; say it on the status line.
      const exitCode = await attachTo(fleet, worker);
      if (exitCode !== 0) {
        throw new CzarError(
          'attach_failed',
          `tmux could not attach to ${worker} on server "${fleet.config.tmuxSocket}" (exit ${exitCode}); check its session with "czar status".`,
        );
      }
    },
    send: (worker, text) => ask({ kind: 'send', worker, text }),
    comment: (worker, text) => ask(commentRequest(worker, text)),
    bonus: (worker) => ask({ kind: 'bonus', worker }),
    restart: (worker) => ask({ kind: 'restart', worker }),
    pause: (worker) => ask(worker === undefined ? { kind: 'pause' } : { kind: 'pause', worker }),
    resume: (worker) => ask(worker === undefined ? { kind: 'resume' } : { kind: 'resume', worker }),
    openLog: (worker) => openLog(fleet, worker),
  };
}

/** Opens the dashboard on a fleet until the person quits; a notify event rings the terminal bell. */
export async function runDashboardFor(fleet: Fleet): Promise<void> {
  const store = await FleetDiskStore.open(fleet, () => process.stdout.write('\u0007'));
  try {
    await runDashboard(store, fleetActions(fleet));
  } finally {
    await store.close();
  }
}
