import { DEAD_STATUS_GRACE_MS, deadWithoutStatus, type PaneInfo } from '../../adapters/tmux-words.js';
import { presetOf } from '../../agents/index.js';
import type { WorkerModel } from '../../domain/model/model.js';
import type { PaneObservation } from '../../domain/model/observations.js';
import type { ModelStore } from './model-store.js';
import { lastLine, paneObservation } from './readings.js';

/** Takes what tmux says of each worker's pane (alive or dead, its screen) into the model, as `ReportIntake` does reports. */
export class PaneIntake {
  private readonly deadWithoutStatus = new Map<string, number>();

  constructor(private readonly store: ModelStore) {}

  /**
   * A look at the panes that began before the worker's agent was started again (its pane's `startedAt`) saw the old
   * agent: taken in, it would put the corpse back over the fresh agent, and a restarted agent that died before the
   * next look would never count.
   */
  staleFor(worker: WorkerModel, lookedAt: number): boolean {
    return (worker.pane?.startedAt ?? 0) >= lookedAt;
  }

  /** One pane as the sweep saw it; false when its death is not believed yet, so the next sweep looks again. */
  take(worker: WorkerModel, info: PaneInfo, screen: string | undefined, lastOutputAt: number | undefined): boolean {
    const name = worker.spec.name;
    // Until tmux fills in the exit status a clean exit would look like a crash: the next sweeps look again.
    if (deadWithoutStatus(info)) {
      const since = this.deadWithoutStatus.get(name) ?? Date.now();
      this.deadWithoutStatus.set(name, since);
      if (Date.now() - since < DEAD_STATUS_GRACE_MS) return false;
    } else {
      this.deadWithoutStatus.delete(name);
    }
    const pane = paneObservation(info, screen, presetOf(worker.spec.agent), lastOutputAt, worker.pane);
    const extras = this.store.extras.get(name) ?? {};
    const last = screen === undefined ? extras.lastOutput : lastLine(screen);
    this.store.setExtras(name, { ...extras, paneId: info.paneId, ...(last === undefined ? {} : { lastOutput: last }) });
    if (!samePane(worker.pane, pane)) this.store.update(name, (model) => ({ ...model, pane }));
    return true;
  }

  /**
   * A launched worker whose session is gone (killed by hand, or tmux lost it) has no agent any more: it counts as a
   * dead pane, so the crash policy brings it back. A launch still in progress (`busy`) is not a loss.
   */
  missing(worker: WorkerModel, lastOutputAt: number | undefined, busy: boolean): void {
    const name = worker.spec.name;
    if (worker.launchedAt === undefined || busy || this.store.extras.get(name)?.paneId === undefined) return;
    if (worker.pane !== undefined && !worker.pane.alive) return;
    const pane: PaneObservation = {
      alive: false,
      startedAt: worker.pane?.startedAt,
      deadStatus: undefined,
      lastOutputAt,
      screenWaiting: false,
      screenBusy: false,
      screen: worker.pane?.screen ?? '',
    };
    this.store.update(name, (model) => ({ ...model, pane }));
  }
}

function samePane(a: PaneObservation | undefined, b: PaneObservation): boolean {
  return (
    a !== undefined &&
    a.alive === b.alive &&
    a.deadStatus === b.deadStatus &&
    a.lastOutputAt === b.lastOutputAt &&
    a.screenWaiting === b.screenWaiting &&
    a.screenBusy === b.screenBusy &&
    a.screen === b.screen
  );
}
