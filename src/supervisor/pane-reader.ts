import type { PaneInfo } from '../adapters/tmux-words.js';
import type { Fleet } from '../fleet/handle.js';
import { fleetPanes } from '../fleet/panes.js';
import { captureScreens } from './host-panes.js';

/** One look at every pane of the fleet and at the screens asked for. */
export interface PaneReading {
  readonly panes: ReadonlyMap<string, PaneInfo>;
  /** Hosts that could not be asked: their workers' panes are unknown, not gone. */
  readonly unknownHosts: ReadonlySet<string>;
  readonly localGone: boolean;
  /** Screens by worker name, of the live panes the look was asked to read. */
  readonly screens: ReadonlyMap<string, string>;
  readonly capturedAt: number;
  /** The workers whose screens were asked for. */
  readonly looked: readonly string[];
  /** A pane was started or restarted while the reading was under way: it shows the pane as it was. */
  readonly stale: boolean;
}

/**
 * Reads panes and screens beside the reconcile pass rather than inside it: on a host each read is an ssh round trip
 * (100-250 ms with busy panes, a second on a loaded machine), and a report arriving meanwhile waited for it before
 * status.json could show it. The reading is handed to the next pass, which `finished` asks for.
 */
export class PaneReader {
  private inFlight: Promise<void> | undefined;
  private ready: PaneReading | undefined;
  /** Bumped when a pane is started or restarted: a reading begun before shows the pane as it was. */
  private epoch = 0;
  private failure: unknown;

  constructor(
    private readonly fleet: Fleet,
    private readonly finished: () => void,
  ) {}

  get reading(): boolean {
    return this.inFlight !== undefined;
  }

  /** A pane was started or restarted: a reading under way no longer tells its truth. */
  invalidate(): void {
    this.epoch += 1;
  }

  /**
   * Starts a reading unless one is under way; `screensOf` picks the workers whose screens to read once the panes
   * are known (a dead pane has no screen to read).
   */
  start(
    unreachable: ReadonlySet<string>,
    screensOf: (panes: ReadonlyMap<string, PaneInfo>) => readonly (readonly [string, string])[],
  ): void {
    if (this.inFlight !== undefined) return;
    const epoch = this.epoch;
    this.inFlight = (async () => {
      try {
        const { panes, unknown, localGone } = await fleetPanes(this.fleet, unreachable);
        const capturedAt = Date.now();
        const targets = screensOf(panes);
        const screens = await captureScreens(this.fleet, targets);
        const looked = targets.map(([name]) => name);
        this.ready = {
          panes,
          unknownHosts: unknown,
          localGone,
          screens,
          capturedAt,
          looked,
          stale: epoch !== this.epoch,
        };
      } catch (error) {
        // Handed to the next pass, which reports it as a failed pass did when the reading was part of it.
        this.failure = error;
      } finally {
        this.inFlight = undefined;
        this.finished();
      }
    })();
  }

  /** Waits for the reading under way, if any. */
  async settled(): Promise<void> {
    await this.inFlight;
  }

  /** The reading that finished since the last call, if any. */
  take(): PaneReading | undefined {
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
    const ready = this.ready;
    this.ready = undefined;
    return ready;
  }
}
