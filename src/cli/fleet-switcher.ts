import { processArgv } from '../adapters/process-table.js';
import { listRegistered } from '../adapters/registry.js';
import { CzarError } from '../domain/model/errors.js';
import type { DashboardActions, DashboardSnapshot, DashboardStore } from '../ui/ports.js';
import { fleetFrom } from './context.js';
import { FleetDiskStore, fleetActions } from './dashboard-wiring.js';

interface Shown {
  readonly store: FleetDiskStore;
  readonly actions: DashboardActions;
}

/**
 * `czar dashboard --all`: every running fleet of this user behind one store, one fleet shown at a time; the
 * dashboard's `f` moves to the next. Each fleet keeps its own store (its files watched), so a switch is instant.
 */
export class FleetSwitcher implements DashboardStore {
  private index = 0;
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly fleets: readonly Shown[]) {
    for (const shown of fleets)
      shown.store.subscribe(() => {
        if (shown === this.current) for (const listener of this.listeners) listener();
      });
  }

  /** Opens every fleet whose czar runs now (from the per-user registry); refuses when there is none. */
  static async open(onNotify: () => void): Promise<FleetSwitcher> {
    const files: string[] = [];
    for (const entry of await listRegistered()) {
      if (!entry.running) continue;
      const argv = (await processArgv(entry.pid)) ?? [];
      const supervise = argv.indexOf('supervise');
      const file = supervise >= 0 && argv[supervise + 1] === '-c' ? argv[supervise + 2] : undefined;
      if (file !== undefined) files.push(file);
    }
    if (files.length === 0)
      throw new CzarError('no_fleets', 'No fleet of yours is running on this machine; start one with "czar up".');
    const fleets = await Promise.all(
      files.map(async (file): Promise<Shown> => {
        const fleet = await fleetFrom({ name: 'dashboard' }, file);
        return { store: await FleetDiskStore.open(fleet, onNotify), actions: fleetActions(fleet) };
      }),
    );
    return new FleetSwitcher(fleets);
  }

  private get current(): Shown {
    return this.fleets[this.index] as Shown;
  }

  getSnapshot = (): DashboardSnapshot => this.current.store.getSnapshot();

  subscribe = (onChange: () => void): (() => void) => {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  };

  /** The shown fleet's actions, and `nextFleet`, which shows the next one. */
  actions(): DashboardActions {
    const now = (): DashboardActions => this.current.actions;
    return {
      attach: (worker) => now().attach(worker),
      send: (worker, text) => now().send(worker, text),
      comment: (worker, text) => now().comment(worker, text),
      bonus: (worker) => now().bonus(worker),
      restart: (worker) => now().restart(worker),
      pause: (worker) => now().pause(worker),
      resume: (worker) => now().resume(worker),
      openLog: (worker) => now().openLog(worker),
      nextFleet: () => {
        this.index = (this.index + 1) % this.fleets.length;
        for (const listener of this.listeners) listener();
        return Promise.resolve(
          `${this.getSnapshot().status.project} (fleet ${this.index + 1} of ${this.fleets.length})`,
        );
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.fleets.map((shown) => shown.store.close()));
  }
}
