import { makeFolder, removeFile, writeTextFile } from '../../adapters/file-system.js';
import { boxedHomeOf } from '../../launch/box-place.js';
import { registerCzar, unregisterCzar } from '../../adapters/registry.js';
import type { Watch } from '../../adapters/watcher.js';
import { CzarError } from '../../domain/model/errors.js';
import { decide } from '../../domain/policy/decide.js';
import type { Fleet } from '../../fleet/handle.js';
import { liveCzarPid } from '../../fleet/requests.js';
import { CheckSlots } from '../sources/check-slots.js';
import { ConflictSource } from '../sources/conflicts.js';
import { effectObservations } from '../effects/effect-observations.js';
import { Executor } from '../effects/executor.js';
import { IntegrationSource } from '../sources/integration.js';
import { LocalUsage } from '../sources/local-usage.js';
import { ModelStore } from '../sources/model-store.js';
import { Observer } from './observer.js';
import { PassClock } from './pass-clock.js';
import { PasteWindow } from '../effects/paste-window.js';
import { PullRequestComments } from '../sources/pull-request-comments.js';
import { PersonRequests } from '../sources/person-requests.js';
import { BoxDoors, HostStreams } from '../sources/place-streams.js';
import { restoreModel, SavedStateFile } from './saved-state.js';
import { loadLearning } from '../effects/learning-record.js';
import { watchServer } from './server-watch.js';
import { SettledDecision } from './settled-decision.js';
import type { Source } from '../sources/source.js';
import { SprintEnd } from '../effects/sprint-end.js';
import { StatusView } from './status-view.js';
import { armPaneHooks, watchFleet, type Trigger } from './triggers.js';

/** The longest status.json waits for the passes after the one that changed it, while triggers keep asking for more. */
const STATUS_DEFER_MS = 250;

/** One turn of the event loop: the I/O callbacks waiting (the watches' events) run before it resolves. */
const ioTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The czar: reconciles what should be (config, policy) with what is (tmux, git, reports) whenever something
 * changes, and acts. Event-driven: file watchers trigger passes; a cheap clock handles time-based rules. A pass:
 * every source writes its observations into the model store, `decide()` decides, the executor carries out the
 * actions, and status.json is rendered from the store.
 */
export class Supervisor {
  private readonly store: ModelStore;
  private startedAt = new Date().toISOString();
  private readonly observer: Observer;
  private readonly requests: PersonRequests;
  private readonly usage: LocalUsage;
  /** Polled in this order each pass, before `decide()`. */
  private readonly sources: readonly Source[];
  private readonly sprintEnd: SprintEnd;
  private watches: Watch[] = [];
  private readonly clock: PassClock;
  private readonly settled = new SettledDecision();
  /** The passes running now, one after another; a trigger meanwhile asks for one more (`passAgain`). */
  private passing: Promise<void> | undefined;
  private passAgain = false;
  private stopping = false;
  private readonly executor: Executor;
  /** The fleet's check slots: the workers' checks and the integration's share them. */
  private readonly slots: CheckSlots;
  private readonly hostStreams: HostStreams;
  private readonly integration: IntegrationSource;
  private readonly conflicts: ConflictSource;
  private readonly status: StatusView;
  private readonly signalsDir: string;
  private readonly saved: SavedStateFile;
  /** Names of report files that are no worker's, already logged. */
  private readonly ignoredReports = new Set<string>();
  private stopped!: () => void;
  private unwatchServer: (() => void) | undefined;
  private unfollowLog: (() => void) | undefined;
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
    this.store = new ModelStore(fleet.config.file);
    this.clock = new PassClock(
      () => this.store.model.workers.length,
      () => this.schedule('clock'),
    );
    this.slots = new CheckSlots(fleet.config.policy.checkConcurrency);
    this.hostStreams = new HostStreams(fleet, () => this.schedule());
    // The git work beside the passes gives way to pastes in flight, the passes to task deliveries: a bonus task's paste
    // never shares the czar with them.
    const pastes = new PasteWindow();
    this.conflicts = new ConflictSource(
      fleet.config.repo,
      () => this.schedule(),
      () => pastes.giveWay(),
    );
    this.usage = new LocalUsage(
      () => this.schedule(),
      (spec) => boxedHomeOf(fleet, spec),
    );
    this.executor = new Executor(
      fleet,
      {
        ...effectObservations(this.store, () => this.schedule()),
        launched: (worker, paneId) => this.observer.launched(worker, paneId),
        respawned: (worker, at) => {
          this.observer.respawned(worker, at);
          this.schedule();
        },
        settled: () => this.schedule(),
        checked: () => this.schedule(),
        stop: () => void this.stop(),
        integrate: (merges) => this.integration.run(merges),
        endSprint: (summary, pullRequest) => this.sprintEnd.ask(summary, pullRequest),
        openPullRequests: (workers) => this.integration.openPullRequests(workers),
      },
      this.slots,
      pastes,
    );
    this.observer = new Observer(fleet, this.store, {
      busy: (name) => this.executor.busy(name),
      looked: () => this.schedule(),
      giveWay: () => pastes.giveWay(),
    });
    this.requests = new PersonRequests(fleet);
    this.integration = new IntegrationSource(fleet, this.store, () => this.schedule(), {
      slots: this.slots,
      halt: this.halt.signal,
    });
    // The host links first: the observer's pane reading skips the hosts the model holds unreachable.
    const doors = new BoxDoors(fleet, this.halt.signal);
    this.sources = [
      this.hostStreams,
      doors,
      this.observer,
      this.executor.checks,
      this.executor.reviews,
      this.usage,
      this.conflicts,
      this.requests,
      new PullRequestComments(fleet, () => this.schedule()),
      this.integration,
    ];
    this.sprintEnd = new SprintEnd(fleet, (pullRequest) => this.integration.sprintOver(pullRequest));
    this.status = new StatusView(fleet, this.store, (status) => doors.show(status, this.store.model.baseTip));
  }

  async start(launchId?: string): Promise<void> {
    const other = await liveCzarPid(this.fleet.paths);
    if (other !== undefined && other !== process.pid) {
      throw new CzarError(
        'czar_running',
        `A czar (pid ${other}) already supervises ${this.fleet.paths.root}; watch it with "czar dashboard" instead of starting another.`,
      );
    }
    await makeFolder(this.signalsDir, 0o700);
    await writeTextFile(this.fleet.paths.supervisorLock, JSON.stringify({ pid: process.pid }));
    // The sprint metrics' history: the log read once, then each event as it is logged, never the file again.
    this.unfollowLog = this.fleet.log.follow((events) => this.store.observeEvents(events));
    const restored = await restoreModel(this.fleet, this.observer, launchId);
    this.store.set({ ...restored.model, learning: await loadLearning(this.fleet) });
    this.startedAt = restored.startedAt ?? this.startedAt;
    await this.executor.checks.restore(this.store.model.workers.map((worker) => worker.spec));
    await this.executor.reviews.restore(this.store.model.workers.map((worker) => worker.spec));
    await this.integration.start();
    await armPaneHooks(this.fleet, this.signalsDir);
    this.watches = await watchFleet(this.fleet, this.signalsDir, (trigger) => this.onTrigger(trigger));
    this.hostStreams.start();
    this.unwatchServer = watchServer(this.fleet.tmux, () => void this.onServerGone());
    this.clock.start();
    await this.fleet.log.emit(
      'czar_up',
      `supervising ${this.store.model.workers.length} worker(s), ${this.store.model.queue.length} bonus task(s) queued`,
    );
    await this.pass();
    // The registry is how `czar web` and `czar ls` find this fleet; a registry that cannot be written costs only that.
    const { config, paths } = this.fleet;
    const { project, repo, tmuxSocket: socket } = config;
    const entry = { project, repo, socket, stateDir: paths.root, status: paths.status };
    await registerCzar({ ...entry, startedAt: new Date().toISOString() }).catch(() => undefined);
  }

  /** Stops supervising; `done` resolves even when a step fails (the state dir may be gone). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.askedToStop();
    try {
      this.clock.stop();
      this.unwatchServer?.();
      this.executor.checks.stop();
      this.executor.reviews.stop();
      this.slots.stop();
      this.halt.abort();
      await Promise.all([...this.watches.map((watch) => watch.close()), this.usage.stop()]);
      await this.hostStreams.stop();
      await this.integration.idle();
      await this.executor.replies.idle();
      await this.requests.release();
      await this.status.write(false, this.startedAt);
      this.unfollowLog?.();
      await unregisterCzar(this.fleet.paths.root).catch(() => undefined);
      await removeFile(this.fleet.paths.supervisorLock);
    } finally {
      this.stopped();
    }
  }

  /**
   * The czar's terminal hung up: its own session was ended (`czar down` ends it first, while the workers run), or the
   * whole server went with every session (`tmux kill-server`), which is said as the watch would say it. A server
   * going down has dropped its sessions before it hangs up their panes, so one question tells the two apart.
   */
  async hungUp(): Promise<void> {
    if (this.stopping) return;
    const sessions = await this.fleet.tmux.listSessions().catch(() => []);
    if (sessions.length === 0) await this.onServerGone();
    else await this.stop();
  }

  private async onServerGone(): Promise<void> {
    if (this.serverGone || this.stopping) return;
    this.serverGone = true;
    // One last look, so the observer says the workers went with the server rather than leave their last state.
    this.observer.sweepPanes();
    await this.pass();
    await this.fleet.log
      .emit(
        'czar_down',
        `the fleet's tmux server ${this.fleet.config.tmuxSocket} is gone, and every worker with it; the czar stops (start the fleet again with "czar up")`,
      )
      .catch(() => undefined);
    await this.stop();
  }

  private onTrigger(trigger: Trigger): void {
    if (
      (trigger.kind === 'report' || trigger.kind === 'output') &&
      !this.store.model.workers.some((worker) => worker.spec.name === trigger.worker)
    ) {
      // Said once per name: one report touches two files (stream and latest), and an append is often two events.
      if (trigger.kind === 'report' && !this.ignoredReports.has(trigger.worker)) {
        this.ignoredReports.add(trigger.worker);
        void this.fleet.log.emit(
          'bad_report',
          `ignored the reports of "${trigger.worker}": there is no worker "${trigger.worker}" in this fleet`,
        );
      }
      return;
    }
    if (trigger.kind === 'request') this.requests.mark();
    else if (!this.observer.note(trigger)) return;
    this.schedule();
  }

  /** Coalesces triggers: one pass at a time, and one more after it if anything arrived meanwhile. */
  private schedule(reason?: 'clock'): void {
    if (this.stopping) return;
    if (reason !== 'clock') this.status.poke();
    void this.pass();
  }

  /**
   * Runs a pass, or, while one runs, asks it for one more and waits for them: two passes at once would decide on
   * facts half read by the other (a done report read by one, the branch's commit not yet by the other's git look).
   */
  private pass(): Promise<void> {
    if (this.passing !== undefined) {
      this.passAgain = true;
      return this.passing;
    }
    this.passing = this.passes();
    return this.passing;
  }

  private async passes(): Promise<void> {
    try {
      do {
        this.passAgain = false;
        this.clock.passing();
        for (const source of this.sources) await source.poll(this.store);
        const model = this.store.model;
        const now = Date.now();
        if (!this.settled.holds(model, now)) {
          const decision = decide(model, now);
          this.settled.note(model, decision, now);
          this.clock.lookAgainAt(decision.lookAgainAt);
          this.store.set(decision.fleet);
          for (const action of decision.actions) this.executor.apply(action);
        }
        // A task being delivered goes first: its paste, Enter and check each wait for the loop, and this pass's
        // status.json (1.3 MB in a fleet of 50 on one file) and the passes its triggers ask for would come between.
        await this.executor.tasksGiveWay();
        // The watches' news that came while this pass ran, noted now: a trigger among them asks for the next pass,
        // which writes status.json and the saved state with this pass's changes too (a fleet of 50 on one file
        // writes 1.3 MB a pass), unless they were last written STATUS_DEFER_MS ago or more.
        await ioTurn();
        if (this.passAgain && this.status.writtenWithin(STATUS_DEFER_MS)) continue;
        // Readers wait on status.json; the saved state is for this czar's own restart, so it comes second.
        await this.status.write(true, this.startedAt);
        this.sprintEnd.afterStatus();
        this.saved.save(this.store.model, this.startedAt, this.observer.reportPositions());
      } while (this.passAgain && !this.stopping);
    } catch (error) {
      await this.fleet.log.emit(
        'czar_error',
        `reconcile pass failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      // In the same step as the loop's last look at passAgain: a trigger now starts a pass of its own.
      this.passing = undefined;
    }
  }
}
