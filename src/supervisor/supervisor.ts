import { makeFolder, removeFile, writeTextFile } from '../adapters/file-system.js';
import { writeJsonAtomic } from '../adapters/state-files.js';
import type { Watch } from '../adapters/watcher.js';
import { CzarError } from '../domain/errors.js';
import type { FleetModel, WorkerModel } from '../domain/model.js';
import { decide } from '../domain/policy/decide.js';
import { taskDelivered } from '../domain/usage.js';
import { fleetStatus } from '../domain/status-render.js';
import type { WorkerSpec } from '../domain/config-types.js';
import type { Alert } from '../domain/status-schema.js';
import type { AlertKind } from '../domain/words.js';
import type { Fleet } from '../fleet/handle.js';
import { liveCzarPid } from '../fleet/requests.js';
import { ConflictSource } from './conflict-source.js';
import { Executor } from './executor.js';
import { IntegrationSource } from './integration-source.js';
import { MetricsSource } from './metrics-source.js';
import { runIntegrationChecks } from '../integration/run-checks.js';
import type { RunChecks } from '../integration/runner.js';
import { Observer } from './observer.js';
import { handlePersonRequests } from './person-requests.js';
import { HostStreams } from './host-streams.js';
import { restoreModel, SavedStateFile } from './saved-state.js';
import { watchServer } from './server-watch.js';
import { armPaneHooks, watchFleet, type Trigger } from './triggers.js';

/** Time-based rules (idle_after, stuck_after, the ladder) are checked this often with no I/O at all. */
const CLOCK_MS = 1_000;
const HEARTBEAT_MS = 15_000;

/**
 * The czar: reconciles what should be (config, policy) with what is (tmux, git, reports) whenever something
 * changes, and acts. Event-driven: file watchers trigger passes; a cheap clock handles time-based rules.
 */
export class Supervisor {
  private model!: FleetModel;
  private startedAt = new Date().toISOString();
  private readonly observer: Observer;
  private lastHeartbeat = 0;
  private lastStatusText = '';
  /** What status.json was last built from, and whether a source has news since: a quiet clock pass builds nothing. */
  private statusInputs: readonly unknown[] = [];
  private poked = true;
  private sprintAnnounced = false;
  private watches: Watch[] = [];
  private timer: NodeJS.Timeout | undefined;
  private passRunning = false;
  private passAgain = false;
  private stopping = false;
  private readonly executor: Executor;
  private readonly hostStreams: HostStreams;
  private readonly integration: IntegrationSource;
  private readonly conflicts: ConflictSource;
  private readonly metrics: MetricsSource;
  private readonly signalsDir: string;
  private readonly saved: SavedStateFile;
  /** Names of report files that are no worker's, already logged. */
  private readonly ignoredReports = new Set<string>();
  private stopped!: () => void;
  private unwatchServer: (() => void) | undefined;
  /** Aborted as the czar stops: integration checks in flight are killed rather than waited for. */
  private readonly halt = new AbortController();
  /** The fleet's tmux server went away under the czar: it stopped for that, not because it was asked to. */
  serverGone = false;
  /** Resolves when the czar stops (a `stop` request or `stop()`). */
  readonly done = new Promise<void>((resolve) => (this.stopped = resolve));
  private askedToStop!: () => void;
  /** Resolves as soon as the czar starts stopping, before `done`: a caller can bound how long stopping may take. */
  readonly stopAsked = new Promise<void>((resolve) => (this.askedToStop = resolve));

  constructor(private readonly fleet: Fleet) {
    this.signalsDir = fleet.paths.signals;
    this.saved = new SavedStateFile(fleet.paths.czarState);
    this.hostStreams = new HostStreams(fleet, () => this.schedule());
    this.conflicts = new ConflictSource(fleet.config.repo, fleet.config.base);
    this.metrics = new MetricsSource(fleet);
    this.observer = new Observer(fleet, {
      model: () => this.model,
      update: (name, change) => this.update(name, change),
      raise: (name, kind, message) => this.raise(name, kind, message),
      clear: (name, kind) => this.clear(name, kind),
      spec: (name) => this.spec(name),
      busy: (name) => this.executor.busy(name),
      checkResults: () => this.executor.checks.results(),
      unreachableHosts: () => this.hostStreams.unreachable,
      hostUsage: () => this.hostStreams.usage,
      setBaseMissing: (missing) => void (this.model = { ...this.model, baseMissing: missing }),
    }, () => this.schedule());
    this.executor = new Executor(fleet, {
      // The agent may write usage for the task before czar confirms the paste: the task is its from the paste.
      delivered: (worker, at, taskId, pastedAt) => this.update(worker, (model) => ({ ...model, deliveredAt: model.deliveredAt ?? at, memory: taskDelivered(model.memory, taskId, pastedAt) })),
      launched: (worker, paneId) => {
        this.observer.setExtras(worker, { ...this.observer.extras.get(worker), paneId });
        this.observer.dirty.panes = true;
      },
      respawned: (worker, at) => {
        // Until the next look, the pane is the fresh agent, not the corpse the restart was for; without this a
        // pass in between would count the old crash again.
        this.observer.lastOutputAt.set(worker, at);
        this.update(worker, (model) => ({ ...model, pane: { alive: true, deadStatus: undefined, lastOutputAt: at, screenWaiting: false, screenBusy: false, screen: '' } }));
        this.observer.dirty.panes = true;
        this.schedule();
      },
      failed: (worker, kind, message) => this.raise(worker, kind, message),
      settled: () => this.schedule(),
      checked: () => this.schedule(),
    });
    const change = (next: (model: FleetModel) => FleetModel): void => void (this.model = next(this.model));
    const integrationChecks: RunChecks = (checks, cwd, logDir, runFile) => this.executor.checks.withSlot(() => runIntegrationChecks(checks, cwd, logDir, runFile, this.halt.signal));
    const alert = (worker: string, message: string | undefined): void => (message === undefined ? this.clear(worker, 'integration_failed') : this.raise(worker, 'integration_failed', message));
    this.integration = new IntegrationSource(fleet, this.executor, { model: () => this.model, change, schedule: () => this.schedule(), alert }, integrationChecks);
  }

  async start(): Promise<void> {
    const other = await liveCzarPid(this.fleet.paths);
    if (other !== undefined && other !== process.pid) {
      throw new CzarError('czar_running', `A czar (pid ${other}) already supervises ${this.fleet.paths.root}; watch it with "czar dashboard" instead of starting another.`);
    }
    await makeFolder(this.signalsDir, 0o700);
    await writeTextFile(this.fleet.paths.supervisorLock, JSON.stringify({ pid: process.pid }));
    const restored = await restoreModel(this.fleet, this.observer);
    this.model = restored.model;
    this.startedAt = restored.startedAt ?? this.startedAt;
    await this.executor.checks.restore(this.model.workers.map((worker) => worker.spec));
    await this.integration.start();
    await armPaneHooks(this.fleet, this.signalsDir);
    this.watches = await watchFleet(this.fleet, this.signalsDir, (trigger) => this.onTrigger(trigger));
    this.hostStreams.start();
    this.unwatchServer = watchServer(this.fleet.tmux, () => void this.onServerGone());
    this.timer = setInterval(() => this.schedule('clock'), CLOCK_MS);
    await this.fleet.log.emit('czar_up', `supervising ${this.model.workers.length} worker(s), ${this.model.queue.length} bonus task(s) queued`);
    await this.pass();
  }

  /** Stops supervising; `done` resolves even when a step fails (the state dir may be gone). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.askedToStop();
    try {
      if (this.timer !== undefined) clearInterval(this.timer);
      this.unwatchServer?.();
      this.executor.checks.stop();
      this.halt.abort();
      await Promise.all([...this.watches.map((watch) => watch.close()), this.observer.usage.close()]);
      await this.hostStreams.stop();
      await this.integration.idle();
      await this.writeStatus(false);
      await removeFile(this.fleet.paths.supervisorLock);
    } finally {
      this.stopped();
    }
  }

  private async onServerGone(): Promise<void> {
    this.serverGone = true;
    // One last look, so the observer says the workers went with the server rather than leave their last state.
    this.observer.dirty.panes = true;
    if (!this.passRunning) await this.pass();
    await this.fleet.log.emit('czar_down', `the fleet's tmux server ${this.fleet.config.tmuxSocket} is gone, and every worker with it; the czar stops (start the fleet again with "czar up")`).catch(() => undefined);
    await this.stop();
  }

  private onTrigger(trigger: Trigger): void {
    if ((trigger.kind === 'report' || trigger.kind === 'output') && !this.model.workers.some((worker) => worker.spec.name === trigger.worker)) {
      // Said once per name: one report touches two files (stream and latest), and an append is often two events.
      if (trigger.kind === 'report' && !this.ignoredReports.has(trigger.worker)) {
        this.ignoredReports.add(trigger.worker);
        void this.fleet.log.emit('bad_report', `ignored the reports of "${trigger.worker}": there is no worker "${trigger.worker}" in this fleet`);
      }
      return;
    }
    switch (trigger.kind) {
      case 'report':
        this.observer.dirty.reports.add(trigger.worker);
        break;
      case 'output': {
        this.observer.lastOutputAt.set(trigger.worker, Date.now());
        this.observer.dirty.screens.add(trigger.worker);
        // Output from a busy worker changes nothing the policy reads until the next clock tick.
        const state = this.model.workers.find((worker) => worker.spec.name === trigger.worker)?.memory.state;
        if (state === 'working') return;
        break;
      }
      case 'git':
        for (const name of trigger.workers === 'all' ? this.model.workers.map((worker) => worker.spec.name) : trigger.workers) this.observer.dirty.git.add(name);
        break;
      case 'pane':
        this.observer.dirty.panes = true;
        break;
      case 'request':
        this.observer.dirty.requests = true;
        break;
    }
    this.schedule();
  }

  /** Coalesces triggers: one pass at a time, and one more after it if anything arrived meanwhile. */
  private schedule(reason?: 'clock'): void {
    if (this.stopping) return;
    if (reason !== 'clock') this.poked = true;
    if (this.passRunning) {
      this.passAgain = true;
      return;
    }
    void this.pass();
  }

  private async pass(): Promise<void> {
    this.passRunning = true;
    try {
      do {
        this.passAgain = false;
        await this.observer.observe();
        if (this.observer.takeGitMoved()) {
          // A failed look keeps the last predictions: the next moved branch looks again.
          // Awaited before the model is read again: a delivery confirmed meanwhile must not be overwritten.
          const conflicts = await this.conflicts.predict(this.model.workers).catch(() => this.model.conflicts);
          this.model = { ...this.model, conflicts };
        }
        if (this.observer.dirty.requests) {
          this.observer.dirty.requests = false;
          await handlePersonRequests({ fleet: this.fleet, executor: this.executor, model: () => this.model, setModel: (model) => void (this.model = model), known: (name) => this.known(name), spec: (name) => this.spec(name), stop: () => this.stop() });
        }
        const decision = decide(this.model, Date.now());
        this.model = decision.fleet;
        for (const action of decision.actions) this.executor.apply(action);
        await this.integration.afterDecide(Date.now());
        await this.saved.save(this.model, this.startedAt, this.observer.reports.positions());
        await this.writeStatus(true);
      } while (this.passAgain && !this.stopping);
    } catch (error) {
      await this.fleet.log.emit('czar_error', `reconcile pass failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.passRunning = false;
    }
  }

  /** Writes status.json when anything a reader sees changed (the heartbeat alone only every HEARTBEAT_MS). */
  private async writeStatus(alive: boolean): Promise<void> {
    const now = Date.now();
    if (alive && now - this.lastHeartbeat >= HEARTBEAT_MS) this.lastHeartbeat = now;
    // The model keeps its identity through a pass that changed nothing; the sources that keep news outside it poke.
    const inputs = [this.model, this.lastHeartbeat, this.fleet.log.emitted, this.observer.extrasVersion, this.integration.current()];
    if (alive && !this.poked && inputs.every((input, index) => input === this.statusInputs[index])) return;
    this.poked = false;
    this.statusInputs = inputs;
    const supervisor = alive ? { supervisor: { pid: process.pid, heartbeatAt: new Date(this.lastHeartbeat).toISOString() } } : {};
    const ratesAt = this.lastHeartbeat === 0 ? now : this.lastHeartbeat;
    const fleetFacts = fleetStatus(this.model, { project: this.fleet.config.project, startedAt: this.startedAt, now, ratesAt, ...supervisor }, this.observer.extras);
    const facts = { ...fleetFacts, sprintOver: fleetFacts.sprintOver && this.integration.settled(), ...this.integration.status(), ...this.hostStreams.status() };
    const status = { ...facts, metrics: await this.metrics.metrics(facts, ratesAt) };
    const comparable = JSON.stringify({ ...status, updatedAt: '' });
    if (comparable === this.lastStatusText) return;
    this.lastStatusText = comparable;
    await writeJsonAtomic(this.fleet.paths.status, status);
    if (status.sprintOver && !this.sprintAnnounced) {
      this.sprintAnnounced = true;
      await this.fleet.log.emit('sprint_over', `sprint over: ${this.model.workers.map((worker) => `${worker.spec.name} ${worker.memory.state}`).join(', ')}`);
      void this.integration.sprintOver().catch((error: unknown) => this.fleet.log.emit('czar_error', `handoff failed: ${error instanceof Error ? error.message : String(error)}`));
    } else if (!status.sprintOver) this.sprintAnnounced = false;
  }

  private raise(name: string, kind: AlertKind, message: string): void {
    const alert: Alert = { kind, message, since: new Date().toISOString() };
    this.update(name, (model) => ({ ...model, memory: { ...model.memory, alerts: [...model.memory.alerts.filter((other) => other.kind !== kind), alert] } }));
    this.schedule();
  }

  private clear(name: string, kind: AlertKind): void {
    this.update(name, (model) => (model.memory.alerts.some((alert) => alert.kind === kind) ? { ...model, memory: { ...model.memory, alerts: model.memory.alerts.filter((alert) => alert.kind !== kind) } } : model));
  }

  /** Changes one worker; a change that returns the worker as it was keeps the model as it was. */
  private update(name: string, change: (model: WorkerModel) => WorkerModel): void {
    const index = this.model.workers.findIndex((worker) => worker.spec.name === name);
    const before = this.model.workers[index];
    if (before === undefined) return;
    const after = change(before);
    if (after !== before) this.model = { ...this.model, workers: this.model.workers.with(index, after) };
  }

  private worker(name: string): WorkerModel {
    const worker = this.model.workers.find((candidate) => candidate.spec.name === name);
    if (worker === undefined) throw new CzarError('unknown_worker', `There is no worker "${name}" in ${this.fleet.config.file}.`);
    return worker;
  }

  private known(name: string): string {
    return this.worker(name).spec.name;
  }

  private spec(name: string): WorkerSpec {
    return this.worker(name).spec;
  }

}
