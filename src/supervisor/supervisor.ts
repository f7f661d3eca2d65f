import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { branchTips } from '../adapters/git.js';
import path from 'node:path';
import { readJson, writeJsonAtomic } from '../adapters/state-files.js';
import type { PaneInfo } from '../adapters/tmux.js';
import type { Watch } from '../adapters/watcher.js';
import { presetFor } from '../agents/index.js';
import { CzarError } from '../domain/errors.js';
import { reportFile } from '../domain/paths.js';
import { initialWorker, ownTask, type FleetModel, type PaneObservation, type ReportObservation, type WorkerMemory, type WorkerModel } from '../domain/fleet.js';
import { decide } from '../domain/policy.js';
import { resumeBudget } from '../domain/budget.js';
import { withOverrides } from '../domain/prices.js';
import { taskDelivered } from '../domain/usage.js';
import { bonusByPerson, notStartedYet, restartByPerson, setAutonomy } from '../domain/person.js';
import { CzarRequestSchema, type CzarRequest, type CzarRequestResult } from '../domain/requests.js';
import { fleetStatus, sprintOver, type StatusExtras } from '../domain/status.js';
import type { Alert, AlertKind, GitActivity, WorkerSpec } from '../domain/types.js';
import { mapBounded, type Fleet } from '../launch/fleet.js';
import { readAllRecords } from '../launch/records.js';
import { answerRequest, liveCzarPid, pendingRequests } from '../launch/requests.js';
import { ConflictSource } from './conflict-source.js';
import { Executor } from './executor.js';
import { IntegrationSource } from './integration-source.js';
import { runIntegrationChecks } from '../integration/checks.js';
import { copyResultFile, gitActivity, lastLine, logMtime, paneObservation, readWorkerReport } from './observe.js';
import { fleetPanes } from '../launch/hosts.js';
import { captureScreens } from './host-panes.js';
import { HostStreams } from './host-streams.js';
import { watchFleet, type Trigger } from './triggers.js';
import { UsageSource, usageSubjects } from './usage-source.js';

/** What survives a czar restart besides tmux, git and the reports: the czar's memory and the queue. */
interface SavedState {
  readonly startedAt: string;
  readonly paused: boolean;
  readonly queue: readonly string[];
  readonly workers: Readonly<Record<string, { memory: WorkerMemory; launchedAt?: number; deliveredAt?: number }>>;
  readonly budgetWarned?: readonly string[] | undefined;
}

/** How often tmux is asked about every pane even without a pane-died signal: the safety net, one spawn per tick. */
const PANE_SWEEP_MS = 5_000;
/** Screens of panes with fresh output are looked at no more often than this (one batched capture for all). */
const SCREEN_LOOK_MS = 1_000;
/** Time-based rules (idle_after, stuck_after, the ladder) are checked this often with no I/O at all. */
const CLOCK_MS = 1_000;
const HEARTBEAT_MS = 15_000;
const SAFETY_NET_MS = 5_000;
const DEAD_STATUS_GRACE_MS = 2_000;
const GIT_CONCURRENCY = 4;

/**
 * The czar: reconciles what should be (config, policy) with what is (tmux, git, reports) whenever something
 * changes, and acts. Event-driven: file watchers trigger passes; a cheap clock handles time-based rules.
 */
export class Supervisor {
  private model!: FleetModel;
  private startedAt = new Date().toISOString();
  private readonly reportSeq = new Map<string, number>();
  private readonly extras = new Map<string, { paneId?: string; lastOutput?: string }>();
  private readonly lastOutputAt = new Map<string, number>();
  private readonly dirty = { reports: new Set<string>(), git: new Set<string>(), screens: new Set<string>(), panes: true, requests: true };
  private lastSweep = 0;
  private lastSafetyNet = 0;
  private readonly deadWithoutStatus = new Map<string, number>();
  /** What the safety net saw last time: report mtimes and base:branch tips per worker. */
  private readonly seen = { reports: new Map<string, number | undefined>(), tips: new Map<string, string>() };
  private lastScreenLook = 0;
  private lastHeartbeat = 0;
  private lastStatusText = '';
  private lastSavedText = '';
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
  /** A pass refreshed some branch: conflict predictions are looked at again. */
  private gitMoved = false;
  private readonly usage = new UsageSource(() => this.schedule());
  private readonly signalsDir: string;
  private readonly savedFile: string;
  private stopped!: () => void;
  /** Resolves when the czar stops (a `stop` request or `stop()`). */
  readonly done = new Promise<void>((resolve) => (this.stopped = resolve));

  constructor(private readonly fleet: Fleet) {
    this.signalsDir = fleet.paths.signals;
    this.savedFile = fleet.paths.czarState;
    this.hostStreams = new HostStreams(fleet);
    this.conflicts = new ConflictSource(fleet.config.repo, fleet.config.base);
    this.executor = new Executor(fleet, {
      delivered: (worker, at, taskId) => this.update(worker, (model) => ({ ...model, deliveredAt: model.deliveredAt ?? at, memory: taskDelivered(model.memory, taskId, at) })),
      launched: (worker, paneId) => {
        this.extras.set(worker, { ...this.extras.get(worker), paneId });
        this.dirty.panes = true;
      },
      respawned: (worker, at) => {
        // Until the next look, the pane is the fresh agent, not the corpse the restart was for; without this a
        // pass in between would count the old crash again.
        this.lastOutputAt.set(worker, at);
        this.update(worker, (model) => ({ ...model, pane: { alive: true, deadStatus: undefined, lastOutputAt: at, screenWaiting: false, screenBusy: false, screen: '' } }));
        this.dirty.panes = true;
        this.schedule();
      },
      failed: (worker, kind, message) => this.raise(worker, kind, message),
      settled: () => this.schedule(),
      checked: () => this.schedule(),
    });
    const change = (next: (model: FleetModel) => FleetModel): void => void (this.model = next(this.model));
    this.integration = new IntegrationSource(fleet, this.executor, { model: () => this.model, change, schedule: () => this.schedule() }, runIntegrationChecks);
  }

  async start(): Promise<void> {
    const other = await liveCzarPid(this.fleet.paths);
    if (other !== undefined && other !== process.pid) {
      throw new CzarError('czar_running', `A czar (pid ${other}) already supervises ${this.fleet.paths.root}; watch it with "czar dashboard" instead of starting another.`);
    }
    await mkdir(this.signalsDir, { recursive: true, mode: 0o700 });
    await writeFile(this.fleet.paths.supervisorLock, JSON.stringify({ pid: process.pid }));
    await this.restore();
    await this.integration.start();
    await this.armPaneDiedHook();
    this.watches = await watchFleet(this.fleet, this.signalsDir, (trigger) => this.onTrigger(trigger));
    this.hostStreams.start();
    this.timer = setInterval(() => this.schedule(), CLOCK_MS);
    await this.fleet.log.emit('czar_up', `supervising ${this.model.workers.length} worker(s), ${this.model.queue.length} bonus task(s) queued`);
    await this.pass();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.executor.checks.stop();
    await Promise.all([...this.watches.map((watch) => watch.close()), this.usage.close()]);
    await this.hostStreams.stop();
    await this.integration.idle();
    await this.writeStatus(false);
    await rm(this.fleet.paths.supervisorLock, { force: true });
    this.stopped();
  }

  /** Builds the model from the config, then lays the saved memory and launch records over it. */
  private async restore(): Promise<void> {
    const now = Date.now();
    const { config } = this.fleet;
    const saved = await readJson<SavedState>(this.savedFile);
    const records = await readAllRecords(this.fleet.paths);
    if (saved !== undefined) this.startedAt = saved.startedAt;
    const workers = await Promise.all(config.workers.map(async (spec): Promise<WorkerModel> => {
      const fresh = initialWorker(spec, now);
      const remembered = saved?.workers[spec.name];
      const record = records.get(spec.name);
      this.extras.set(spec.name, record === undefined ? {} : { paneId: record.paneId });
      const mtime = await logMtime(this.fleet.paths, spec.name);
      if (mtime !== undefined) this.lastOutputAt.set(spec.name, mtime);
      this.dirty.reports.add(spec.name);
      this.dirty.git.add(spec.name);
      if (remembered !== undefined) {
        // Check runs die with the czar that started them: ask again for any tip still unjudged.
        return { ...fresh, memory: { ...remembered.memory, checksAsked: undefined }, launchedAt: remembered.launchedAt, deliveredAt: remembered.deliveredAt ?? deliveredFrom(record) };
      }
      if (record === undefined) return fresh;
      // Launched by `czar up` before this czar existed: its own task is already in the pane.
      const launchedAt = Date.parse(record.launchedAt);
      const deliveredAt = deliveredFrom(record);
      // Briefed when the paste started: the agent may report on the task before czar confirmed the delivery.
      const briefedAt = record.deliveryStartedAt === undefined ? (deliveredAt ?? launchedAt) : Date.parse(record.deliveryStartedAt);
      const memory: WorkerMemory = { ...fresh.memory, state: 'starting', tasks: [ownTask(spec, briefedAt)], briefedAt };
      return { ...fresh, memory, launchedAt, deliveredAt };
    }));
    const queueIds = saved?.queue;
    const queue = queueIds === undefined ? config.bonus : config.bonus.filter((task) => queueIds.includes(task.id));
    this.model = { workers, queue, paused: saved?.paused ?? false, policy: config.policy, base: config.base, prices: withOverrides(config.prices), budgetWarned: saved?.budgetWarned };
  }

  /**
   * tmux runs the pane-died hook in a shell, so the signal path must be quoted for it; a path with characters that
   * cannot be quoted safely there falls back to the periodic pane sweep alone.
   */
  private async armPaneDiedHook(): Promise<void> {
    if (!/^[A-Za-z0-9._/ +@,=-]+$/.test(this.signalsDir)) return;
    const touch = path.join(this.signalsDir, 'pane-died');
    await this.fleet.tmux.cmd(['set-hook', '-g', 'pane-died', `run-shell -b "touch '${touch}'"`], { allowFailure: true });
  }

  private onTrigger(trigger: Trigger): void {
    if ((trigger.kind === 'report' || trigger.kind === 'output') && !this.model.workers.some((worker) => worker.spec.name === trigger.worker)) {
      if (trigger.kind === 'report') void this.fleet.log.emit('bad_report', `ignored report file "${trigger.worker}.json": there is no worker "${trigger.worker}" in this fleet`);
      return;
    }
    switch (trigger.kind) {
      case 'report':
        // A report is judged against the branch (done needs commits), so look at git in the same pass: the ref
        // event of the commit just before the report may not have arrived yet.
        this.dirty.reports.add(trigger.worker);
        this.dirty.git.add(trigger.worker);
        break;
      case 'output': {
        this.lastOutputAt.set(trigger.worker, Date.now());
        this.dirty.screens.add(trigger.worker);
        // Output from a busy worker changes nothing the policy reads until the next clock tick.
        const state = this.model.workers.find((worker) => worker.spec.name === trigger.worker)?.memory.state;
        if (state === 'working') return;
        break;
      }
      case 'git':
        for (const name of trigger.workers === 'all' ? this.model.workers.map((worker) => worker.spec.name) : trigger.workers) this.dirty.git.add(name);
        break;
      case 'pane':
        this.dirty.panes = true;
        break;
      case 'request':
        this.dirty.requests = true;
        break;
    }
    this.schedule();
  }

  /** Coalesces triggers: one pass at a time, and one more after it if anything arrived meanwhile. */
  private schedule(): void {
    if (this.stopping) return;
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
        await this.observe();
        if (this.gitMoved) {
          this.gitMoved = false;
          // A failed look keeps the last predictions: the next moved branch looks again.
          this.model = { ...this.model, conflicts: await this.conflicts.predict(this.model.workers).catch(() => this.model.conflicts) };
        }
        if (this.dirty.requests) {
          this.dirty.requests = false;
          await this.handleRequests();
        }
        const decision = decide(this.model, Date.now());
        this.model = decision.fleet;
        for (const action of decision.actions) this.executor.apply(action);
        await this.integration.afterDecide(Date.now());
        await this.persist();
        await this.writeStatus(true);
      } while (this.passAgain && !this.stopping);
    } catch (error) {
      await this.fleet.log.emit('czar_error', `reconcile pass failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.passRunning = false;
    }
  }

  /** Refreshes only what triggers marked: reports, git, the pane sweep and the screens of panes with new output. */
  private async observe(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSafetyNet >= SAFETY_NET_MS) await this.safetyNet(now);
    this.observeOutputTimes();
    for (const [name, checkRun] of this.executor.checks.results()) this.update(name, (model) => (model.checkRun === checkRun ? model : { ...model, checkRun }));
    for (const name of this.takeAll(this.dirty.reports)) await this.observeReport(name);
    for (const [name, usage] of await this.usage.poll(usageSubjects(this.model.workers, process.env), now)) this.update(name, (model) => ({ ...model, usage }));
    const gitNames = this.takeAll(this.dirty.git);
    if (gitNames.length > 0) this.gitMoved = true;
    // A few workers at a time: after a restart or a base change all of them are dirty, and four git processes each
    // for a hundred workers at once cost more memory and CPU than the latency they save.
    const activities = await mapBounded(gitNames, GIT_CONCURRENCY, 0, async (name) => [name, await gitActivity(this.fleet, this.spec(name))] as const);
    for (const result of activities) {
      if (result.status !== 'fulfilled') continue;
      const [name, git] = result.value;
      this.update(name, (model) => ({ ...model, git: sameGit(model.git, git) ? model.git : git }));
    }

    const sweep = this.dirty.panes || now - this.lastSweep >= PANE_SWEEP_MS;
    const look = this.dirty.screens.size > 0 && now - this.lastScreenLook >= SCREEN_LOOK_MS;
    if (!sweep && !look) return;
    const { panes, unknown: unknownHosts } = await fleetPanes(this.fleet, this.hostStreams.unreachable);
    this.dirty.panes = false;
    this.lastSweep = now;
    // Look at screens with new output, and at any pane whose state hinges on the screen (quiet or asking).
    const wanted = new Set(look ? this.takeAll(this.dirty.screens) : []);
    for (const worker of this.model.workers) {
      const name = worker.spec.name;
      if (worker.pane === undefined || ['idle', 'waiting', 'starting', 'stuck'].includes(worker.memory.state)) wanted.add(name);
    }
    const targets = [...wanted].flatMap((name) => {
      const pane = panes.get(name);
      return pane === undefined || pane.dead ? [] : [[name, pane.paneId] as const];
    });
    if (look) this.lastScreenLook = now;
    const screens = await captureScreens(this.fleet, targets);
    for (const worker of this.model.workers) {
      const name = worker.spec.name;
      const info = panes.get(name);
      if (info === undefined) {
        // A worker on a host that cannot be asked is not missing: it keeps running there until the link is back.
        if (worker.spec.host === undefined || !unknownHosts.has(worker.spec.host)) this.observeMissingSession(worker);
        continue;
      }
      const screen = screens.get(name);
      this.observePane(worker, info, screen);
    }
  }

  /**
   * Watchers can drop an event (a burst of renames, a loaded machine): every SAFETY_NET_MS, report files whose
   * mtime moved and branches whose tip moved are looked at again, so a missed event costs seconds, never a stall.
   */
  private async safetyNet(now: number): Promise<void> {
    this.lastSafetyNet = now;
    const tips = await branchTips(this.fleet.config.repo).catch(() => new Map<string, string>());
    const baseTip = tips.get(this.fleet.config.base);
    for (const worker of this.model.workers) {
      const name = worker.spec.name;
      const mtime = await stat(reportFile(this.fleet.paths, name)).then((info) => info.mtimeMs, () => undefined);
      if (mtime !== undefined && mtime !== this.seen.reports.get(name)) this.dirty.reports.add(name);
      this.seen.reports.set(name, mtime);
      const tip = `${baseTip ?? ''}:${tips.get(worker.spec.branch) ?? ''}`;
      if (tip !== this.seen.tips.get(name)) this.dirty.git.add(name);
      this.seen.tips.set(name, tip);
    }
  }

  /**
   * Output times come from log events as they happen; carrying them into the model on every pass, not only when a
   * screen is looked at, keeps the idle clock exact to the pass (a quiet worker is nudged idle_after after its output).
   */
  private observeOutputTimes(): void {
    for (const worker of this.model.workers) {
      const at = this.lastOutputAt.get(worker.spec.name);
      const pane = worker.pane;
      if (pane === undefined || at === undefined || (pane.lastOutputAt ?? 0) >= at) continue;
      this.update(worker.spec.name, (model) => ({ ...model, pane: { ...pane, lastOutputAt: at } }));
    }
  }

  /**
   * A launched worker whose session is gone (killed by hand, or tmux lost it) has no agent any more: it counts as a
   * dead pane, so the crash policy brings it back. A launch still in progress is not a loss.
   */
  private observeMissingSession(worker: WorkerModel): void {
    const name = worker.spec.name;
    if (worker.launchedAt === undefined || this.executor.busy(name) || this.extras.get(name)?.paneId === undefined) return;
    if (worker.pane !== undefined && !worker.pane.alive) return;
    const pane: PaneObservation = { alive: false, deadStatus: undefined, lastOutputAt: this.lastOutputAt.get(name), screenWaiting: false, screenBusy: false, screen: worker.pane?.screen ?? '' };
    this.update(name, (model) => ({ ...model, pane }));
  }

  private observePane(worker: WorkerModel, info: PaneInfo, screen: string | undefined): void {
    const name = worker.spec.name;
    // tmux 3.3a reports a pane dead when its pty closes and fills in the exit status a moment later: until then a
    // clean exit would look like a crash, so wait (briefly) for the status before believing the death.
    if (info.dead && info.deadStatus === undefined && info.deadSignal === undefined) {
      const since = this.deadWithoutStatus.get(name) ?? Date.now();
      this.deadWithoutStatus.set(name, since);
      if (Date.now() - since < DEAD_STATUS_GRACE_MS) {
        this.dirty.panes = true;
        return;
      }
    } else {
      this.deadWithoutStatus.delete(name);
    }
    const preset = presetFor(worker.spec.agent.preset);
    const pane: PaneObservation = paneObservation(info, screen, preset, this.lastOutputAt.get(name), worker.pane);
    const extras = this.extras.get(name) ?? {};
    const last = screen === undefined ? extras.lastOutput : lastLine(screen);
    this.extras.set(name, { ...extras, paneId: info.paneId, ...(last === undefined ? {} : { lastOutput: last }) });
    if (!samePane(worker.pane, pane)) this.update(name, (model) => ({ ...model, pane }));
  }

  private async observeReport(name: string): Promise<void> {
    const reading = await readWorkerReport(this.fleet.paths, name);
    if (reading.kind === 'absent') return;
    if (reading.kind === 'rejected') {
      await this.fleet.log.emit('bad_report', `rejected report: ${reading.reason}`, name);
      this.raise(name, 'bad_report', `its report was rejected: ${reading.reason}`);
      return;
    }
    if (reading.seq < (this.reportSeq.get(name) ?? 0)) return;
    const previous = this.model.workers.find((worker) => worker.spec.name === name)?.report;
    if (reading.seq === this.reportSeq.get(name) && previous !== undefined) return;
    this.reportSeq.set(name, reading.seq);
    let report: ReportObservation = reading.report;
    const result = report.resultFile === undefined ? undefined : await copyResultFile(this.fleet.paths, this.spec(name), report.resultFile);
    if (result?.kind === 'rejected') {
      // The report's state still counts; only the file is refused, so no dependent is pointed at it.
      await this.fleet.log.emit('bad_report', `rejected result file: ${result.reason}`, name);
      this.raise(name, 'bad_report', `its result file was rejected: ${result.reason}`);
      report = { ...report, resultFile: undefined };
    } else {
      this.clear(name, 'bad_report');
      if (result !== undefined) report = { ...report, resultFile: result.copy };
    }
    if (previous?.at !== report.at || previous.state !== report.state) {
      await this.fleet.log.emit('report', `reported ${report.state}${report.progress === undefined ? '' : ` ${report.progress}%`}${report.note === undefined ? '' : `: ${report.note}`}`, name);
    }
    this.update(name, (model) => ({ ...model, report }));
  }

  private async handleRequests(): Promise<void> {
    for (const file of await pendingRequests(this.fleet.paths)) {
      const raw = await readJson<unknown>(file);
      await rm(file, { force: true });
      const parsed = CzarRequestSchema.safeParse(raw);
      if (!parsed.success) {
        await this.fleet.log.emit('bad_request', `ignored malformed request ${path.basename(file)}`);
        continue;
      }
      const result = await this.handleRequest(parsed.data).catch((error: unknown): CzarRequestResult => ({ id: parsed.data.id, ok: false, message: error instanceof Error ? error.message : String(error) }));
      await answerRequest(this.fleet.paths, result);
    }
  }

  /** A person's request, from `czar send/bonus/restart/pause/resume` or the dashboard's keys. */
  private async handleRequest(request: CzarRequest): Promise<CzarRequestResult> {
    const reply = (ok: boolean, message: string): CzarRequestResult => ({ id: request.id, ok, message });
    const notStarted = request.kind === 'send' || request.kind === 'restart' || request.kind === 'bonus' ? notStartedYet(this.model, this.known(request.worker), request.kind) : undefined;
    if (notStarted !== undefined) return reply(false, notStarted);
    switch (request.kind) {
      case 'stop':
        void this.stop();
        return reply(true, 'the czar is stopping; the workers keep running');
      case 'pause':
      case 'resume': {
        const paused = request.kind === 'pause';
        this.model = setAutonomy(this.model, request.worker === undefined ? undefined : this.known(request.worker), paused);
        if (!paused && request.worker !== undefined) this.model = resumeBudget(this.model, request.worker);
        const who = request.worker ?? 'all workers';
        await this.fleet.log.emit(request.kind, `autonomy ${paused ? 'paused' : 'resumed'} for ${who} by the person`, request.worker);
        return reply(true, `autonomy ${paused ? 'paused' : 'resumed'} for ${who}`);
      }
      case 'send': {
        const spec = this.spec(this.known(request.worker));
        await this.fleet.log.emit('send', `message from the person (${Buffer.byteLength(request.text)} bytes)`, spec.name);
        await this.executor.enqueue(spec.name, () => this.executor.send(spec, request.text));
        return reply(true, `delivered the message to ${spec.name}`);
      }
      case 'restart': {
        const name = this.known(request.worker);
        const decision = restartByPerson(this.model, name, Date.now());
        if (decision === undefined) return reply(false, `There is no worker "${name}".`);
        this.model = decision.fleet;
        await this.fleet.log.emit('restart', 'restart asked by the person', name);
        await this.executor.enqueue(name, () => this.executor.restart(this.spec(name), decision.task));
        return reply(true, `restarted ${name} and sent its task again`);
      }
      case 'bonus': {
        const name = this.known(request.worker);
        const decision = bonusByPerson(this.model, name, Date.now());
        if (decision === undefined) return reply(false, 'The bonus queue is empty; add tasks under "bonus:" in the config.');
        this.model = decision.fleet;
        this.executor.apply({ kind: 'bonus', worker: name, task: decision.task, reason: 'asked by the person' });
        return reply(true, `gave "${decision.task.title}" to ${name}`);
      }
    }
  }

  private async persist(): Promise<void> {
    const saved: SavedState = {
      startedAt: this.startedAt,
      paused: this.model.paused,
      queue: this.model.queue.map((task) => task.id),
      workers: Object.fromEntries(this.model.workers.map((worker) => [worker.spec.name, { memory: worker.memory, launchedAt: worker.launchedAt, deliveredAt: worker.deliveredAt }])),
      budgetWarned: this.model.budgetWarned,
    };
    const text = JSON.stringify(saved);
    if (text === this.lastSavedText) return;
    this.lastSavedText = text;
    await writeJsonAtomic(this.savedFile, saved);
  }

  /** Writes status.json when anything a reader sees changed (the heartbeat alone only every HEARTBEAT_MS). */
  private async writeStatus(alive: boolean): Promise<void> {
    const now = Date.now();
    const extras = this.extras as ReadonlyMap<string, StatusExtras>;
    if (alive && now - this.lastHeartbeat >= HEARTBEAT_MS) this.lastHeartbeat = now;
    const supervisor = alive ? { supervisor: { pid: process.pid, heartbeatAt: new Date(this.lastHeartbeat).toISOString() } } : {};
    const status = { ...fleetStatus(this.model, { project: this.fleet.config.project, startedAt: this.startedAt, now, ...supervisor }, extras), ...this.integration.status() };
    const comparable = JSON.stringify({ ...status, updatedAt: '' });
    if (comparable === this.lastStatusText) return;
    this.lastStatusText = comparable;
    await writeJsonAtomic(this.fleet.paths.status, status);
    if (status.sprintOver && !this.sprintAnnounced) {
      this.sprintAnnounced = true;
      await this.fleet.log.emit('sprint_over', `sprint over: ${this.model.workers.map((worker) => `${worker.spec.name} ${worker.memory.state}`).join(', ')}`);
      void this.integration.sprintOver().catch((error: unknown) => this.fleet.log.emit('czar_error', `handoff failed: ${error instanceof Error ? error.message : String(error)}`));
    } else if (!sprintOver(this.model)) this.sprintAnnounced = false;
  }

  private raise(name: string, kind: AlertKind, message: string): void {
    const alert: Alert = { kind, message, since: new Date().toISOString() };
    this.update(name, (model) => ({ ...model, memory: { ...model.memory, alerts: [...model.memory.alerts.filter((other) => other.kind !== kind), alert] } }));
    this.schedule();
  }

  private clear(name: string, kind: AlertKind): void {
    this.update(name, (model) => (model.memory.alerts.some((alert) => alert.kind === kind) ? { ...model, memory: { ...model.memory, alerts: model.memory.alerts.filter((alert) => alert.kind !== kind) } } : model));
  }

  private update(name: string, change: (model: WorkerModel) => WorkerModel): void {
    this.model = { ...this.model, workers: this.model.workers.map((worker) => (worker.spec.name === name ? change(worker) : worker)) };
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

  private takeAll(set: Set<string>): string[] {
    const items = [...set];
    set.clear();
    return items;
  }
}

function deliveredFrom(record: { deliveredAt?: string; deliveryStartedAt?: string } | undefined): number | undefined {
  // An unconfirmed delivery counts as delivered so the ladder can follow up, rather than "starting" forever.
  const at = record?.deliveredAt ?? record?.deliveryStartedAt;
  return at === undefined ? undefined : Date.parse(at);
}

function sameGit(a: GitActivity, b: GitActivity): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function samePane(a: PaneObservation | undefined, b: PaneObservation): boolean {
  return a !== undefined && a.alive === b.alive && a.deadStatus === b.deadStatus && a.lastOutputAt === b.lastOutputAt && a.screenWaiting === b.screenWaiting && a.screenBusy === b.screenBusy && a.screen === b.screen;
}
