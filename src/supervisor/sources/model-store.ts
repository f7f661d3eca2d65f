import { CzarError } from '../../domain/model/errors.js';
import type { FleetModel, WorkerModel } from '../../domain/model/model.js';
import type { WorkerSpec } from '../../domain/model/config-types.js';
import type { StatusExtras } from '../../domain/status/status-render.js';
import { EMPTY_TALLY, tallyEvents, type EventTally } from '../../domain/status/metrics.js';
import type { FleetEvent } from '../../domain/model/words.js';

/**
 * The one place the czar's facts live: the fleet model `decide()` reads, and the per-worker extras status.json
 * shows besides it. Sources write observations here through these methods; nothing else holds a copy.
 */
export class ModelStore {
  private current: FleetModel | undefined;
  private readonly extrasByWorker = new Map<string, StatusExtras>();
  /** Moves when the extras change: status.json is built again only when something it shows moved. */
  private extrasMoves = 0;
  /** Some branch was looked at since `takeGitLooked()`: conflict predictions are looked at again. */
  private gitLooked = false;
  /** What the event log says so far, folded event by event: the history the sprint metrics need, one entry a task. */
  private tally: EventTally = EMPTY_TALLY;

  constructor(private readonly configFile: string) {}

  get model(): FleetModel {
    if (this.current === undefined) throw new Error('the model is read before the czar restored it');
    return this.current;
  }

  /** Replaces the whole model (a restore, or `decide()`'s answer). */
  set(model: FleetModel): void {
    this.current = model;
  }

  change(next: (model: FleetModel) => FleetModel): void {
    this.current = next(this.model);
  }

  /** Changes one worker; a change that returns the worker as it was keeps the model as it was. */
  update(name: string, change: (model: WorkerModel) => WorkerModel): void {
    const model = this.model;
    const index = model.workers.findIndex((worker) => worker.spec.name === name);
    const before = model.workers[index];
    if (before === undefined) return;
    const after = change(before);
    if (after !== before) this.current = { ...model, workers: model.workers.with(index, after) };
  }

  /** Per worker: its pane id and last screen line, for status.json. */
  get extras(): ReadonlyMap<string, StatusExtras> {
    return this.extrasByWorker;
  }

  get extrasVersion(): number {
    return this.extrasMoves;
  }

  setExtras(name: string, extras: StatusExtras): void {
    const old = this.extrasByWorker.get(name);
    if (old !== undefined && old.paneId === extras.paneId && old.lastOutput === extras.lastOutput) return;
    this.extrasByWorker.set(name, extras);
    this.extrasMoves += 1;
  }

  /** The event history the sprint metrics are made from; a new object whenever an event arrives. */
  get history(): EventTally {
    return this.tally;
  }

  observeEvents(events: readonly FleetEvent[]): void {
    this.tally = tallyEvents(this.tally, events);
  }

  noteGitLooked(): void {
    this.gitLooked = true;
  }

  takeGitLooked(): boolean {
    const looked = this.gitLooked;
    this.gitLooked = false;
    return looked;
  }

  worker(name: string): WorkerModel {
    const worker = this.model.workers.find((candidate) => candidate.spec.name === name);
    if (worker === undefined) throw new CzarError('unknown_worker', this.noSuchWorker(name));
    return worker;
  }

  /** The person's word for a name that is no worker of this fleet. */
  noSuchWorker(name: string): string {
    return `There is no worker "${name}" in ${this.configFile}.`;
  }

  spec(name: string): WorkerSpec {
    return this.worker(name).spec;
  }
}
