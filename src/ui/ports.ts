import type { FleetEvent } from '../domain/model/words.js';
import type { FleetStatus } from '../domain/status/status-schema.js';

/** Everything the dashboard draws, captured at one moment. Treated as immutable. */
export interface DashboardSnapshot {
  readonly status: FleetStatus;
  /** Newest last; the store keeps the last ~200. */
  readonly events: readonly FleetEvent[];
  /** Last lines of each worker's pane, ANSI stripped, keyed by worker name. */
  readonly paneTails: Readonly<Record<string, readonly string[]>>;
  /** Epoch ms when the snapshot was taken; the base for "time since" text. */
  readonly now: number;
}

/**
 * The supervisor's snapshot store as the UI sees it (the contract of `useSyncExternalStore`): `getSnapshot` must
 * return the same object until something changed, and `subscribe` calls `onChange` after each change.
 */
export interface DashboardStore {
  getSnapshot(): DashboardSnapshot;
  /** Returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void;
}

/**
 * What a person can do from the dashboard. The UI only calls these; each rejects with a one-sentence error
 * (a CzarError) the status line shows as is.
 */
export interface DashboardActions {
  /** Hands the terminal to tmux; the dashboard yields the terminal until this settles. */
  attach(worker: string): Promise<void>;
  send(worker: string, text: string): Promise<void>;
  /** A review comment as typed (`[FILE:LINE] TEXT`), delivered between the worker's turns. */
  comment(worker: string, text: string): Promise<void>;
  /** Gives the worker the next bonus task now. */
  bonus(worker: string): Promise<void>;
  restart(worker: string): Promise<void>;
  /** `undefined` pauses autonomy for the whole fleet. */
  pause(worker?: string): Promise<void>;
  resume(worker?: string): Promise<void>;
  /** Opens the worker's log in a pager; like attach, the dashboard yields the terminal. */
  openLog(worker: string): Promise<void>;
  /** Shows the next running fleet (`czar dashboard --all`) and says which; absent on one fleet's dashboard. */
  nextFleet?(): Promise<string>;
}
