import path from 'node:path';
import { ensureRegistryDir, listRegistered, stillRunning } from '../adapters/registry.js';
import { readStatusFile } from '../adapters/state-files.js';
import { watchPaths, type Watch } from '../adapters/watcher.js';
import { needsYou, type Need } from '../domain/status/needs-you.js';
import { statePaths } from '../domain/model/paths.js';
import type { RegisteredFleet } from '../domain/model/registry-entry.js';
import { visibleStrings } from '../domain/model/sanitize.js';
import type { FleetStatus } from '../domain/status/status-schema.js';

/** One fleet as the page shows it: its registry entry, its last status (worker text made visible) and who needs you. */
export interface FleetView {
  readonly id: string;
  readonly project: string;
  readonly repo: string;
  readonly running: boolean;
  readonly startedAt: string;
  readonly status?: FleetStatus;
  readonly needs: readonly Need[];
}

export type FeedChange = { kind: 'fleet'; fleet: FleetView } | { kind: 'gone'; id: string };

/** A crashed czar writes nothing more, so only a clock notices it: a signal-0 check per fleet, not a file read. */
const LIVENESS_MS = 5_000;

/**
 * Every registered fleet and its status, kept current by file events: the registry folder for czars that come and
 * go, each state dir (depth 0) for its status.json, which the czar rewrites whole with a rename on every change.
 */
export class FleetFeed {
  private readonly fleets = new Map<string, { entry: RegisteredFleet; view: FleetView; watch: Watch }>();
  private registryWatch: Watch | undefined;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly onChange: (change: FeedChange) => void) {}

  async start(): Promise<void> {
    const dir = await ensureRegistryDir();
    await new Promise<void>((ready) => {
      this.registryWatch = watchPaths([dir], () => void this.sync(), { depth: 0, onReady: ready });
    });
    await this.sync();
    this.timer = setInterval(() => void this.checkLiveness(), LIVENESS_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.registryWatch?.close();
    await Promise.all([...this.fleets.values()].map((fleet) => fleet.watch.close()));
    this.fleets.clear();
  }

  views(): FleetView[] {
    return [...this.fleets.values()].map((fleet) => fleet.view);
  }

  entry(id: string): RegisteredFleet | undefined {
    return this.fleets.get(id)?.entry;
  }

  /** Re-reads the registry: one pass at a time, so two quick changes do not both add the same fleet. */
  private sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncNow()).catch(() => undefined);
    return this.syncing;
  }

  private async syncNow(): Promise<void> {
    const entries = await listRegistered();
    const ids = new Set(entries.map((entry) => entry.id));
    for (const [id, fleet] of this.fleets) {
      if (ids.has(id)) continue;
      this.fleets.delete(id);
      await fleet.watch.close();
      this.onChange({ kind: 'gone', id });
    }
    for (const entry of entries) {
      const known = this.fleets.get(entry.id);
      if (known !== undefined && known.entry.pid === entry.pid && known.entry.running === entry.running) continue;
      await known?.watch.close();
      const watch = await watchStatus(entry.status, () => void this.refresh(entry.id));
      this.fleets.set(entry.id, { entry, watch, view: { ...identity(entry), needs: [] } });
      await this.refresh(entry.id);
    }
  }

  private async refresh(id: string): Promise<void> {
    const fleet = this.fleets.get(id);
    if (fleet === undefined) return;
    const read = await readStatusFile(statePaths(fleet.entry.stateDir)).catch(() => undefined);
    const status = read === undefined ? undefined : visibleStrings(read);
    const view: FleetView = {
      ...identity(fleet.entry),
      ...(status === undefined ? {} : { status }),
      needs: status === undefined || !fleet.entry.running ? [] : needsYou(status),
    };
    fleet.view = view;
    this.onChange({ kind: 'fleet', fleet: view });
  }

  private async checkLiveness(): Promise<void> {
    for (const fleet of this.fleets.values()) {
      if (!fleet.entry.running || (await stillRunning(fleet.entry))) continue;
      fleet.entry = { ...fleet.entry, running: false };
      await this.refresh(fleet.entry.id);
    }
  }
}

function identity(entry: RegisteredFleet): Omit<FleetView, 'status' | 'needs'> {
  const { id, project, repo, running, startedAt } = entry;
  return { id, project, repo, running, startedAt };
}

/** Watches the state dir, not the file: a rename replaces the file, and a watch on the old one would go quiet. */
async function watchStatus(statusFile: string, onChange: () => void): Promise<Watch> {
  let watch: Watch | undefined;
  await new Promise<void>((ready) => {
    watch = watchPaths([path.dirname(statusFile)], (changed) => changed === statusFile && onChange(), {
      depth: 0,
      onReady: ready,
    });
  });
  return watch as Watch;
}
