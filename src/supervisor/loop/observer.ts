import { unreachableHosts } from '../../domain/model/host-status.js';
import { onThisDisk } from '../../domain/model/place-kind.js';
import { hasEvidence, type WorkerModel } from '../../domain/model/model.js';
import { judged as checkedOrReviewed } from '../../domain/policy/verification.js';
import type { LinePosition } from '../../adapters/line-reader.js';
import type { FreshWorktrees } from '../../fleet/fresh-worktrees.js';
import type { Fleet } from '../../fleet/handle.js';
import { fleetPanes } from '../../fleet/panes.js';
import { captureScreens } from '../sources/host-panes.js';
import { paneLooks } from '../sources/pane-screens.js';
import type { LaunchRecord } from '../../fleet/launch-records.js';
import type { ModelStore } from '../sources/model-store.js';
import { GitLooks } from '../sources/git.js';
import { logMtime } from '../sources/readings.js';
import { PaneIntake } from '../sources/panes.js';
import { ReportIntake } from '../sources/reports.js';
import { SafetyNet } from './safety-net.js';
import { PaneLogBounds } from './pane-log-bounds.js';
import type { Source } from '../sources/source.js';
import type { Trigger } from './triggers.js';

const SCREEN_SETTLE_MS = 250;

/** What the observer reads besides the model: facts of the executor, not observations. */
export interface ObserverInputs {
  /** An action for this worker (a launch, restart or paste) is queued or in flight: its effect is not in yet. */
  busy(name: string): boolean;
  /** A git look that ran beside the passes wrote what it found into the model: a pass decides on it. */
  looked(): void;
  /** Resolves when a look beside the passes may start (see `PasteWindow`). */
  giveWay(): Promise<void>;
}

/**
 * The czar's eyes: turns triggers (report files, pane output, git refs, dead panes) into observations in the model,
 * refreshing only what was marked dirty, plus a safety net for events the watchers dropped.
 */
export class Observer implements Source {
  readonly name = 'panes, reports and git';
  /** What the next `poll()` must look at again; triggers mark it. */
  private readonly dirty = {
    reports: new Set<string>(),
    git: new Set<string>(),
    screens: new Set<string>(),
    panes: true,
  };
  /** Per worker: when its pane last wrote output (from pane log events). */
  private readonly lastOutputAt = new Map<string, number>();
  /** Workers whose log events came since the last pass: their output is dated by the log itself. */
  private readonly outputNoted = new Set<string>();
  private readonly reports: ReportIntake;
  private readonly safetyNet: SafetyNet;
  private readonly logBounds: PaneLogBounds;
  private readonly gitLooks: GitLooks;
  private readonly panes: PaneIntake;
  private lastSweep = 0;
  private lastScreenLook = 0;
  private serverGone = false;
  /** The first look (a czar's start adopts every branch) is made in its pass: nothing is decided on no git at all. */
  private firstLook = true;

  constructor(
    private readonly fleet: Fleet,
    private readonly store: ModelStore,
    private readonly inputs: ObserverInputs,
  ) {
    this.reports = new ReportIntake(fleet, store);
    this.safetyNet = new SafetyNet(fleet, store);
    this.logBounds = new PaneLogBounds(fleet.paths);
    this.gitLooks = new GitLooks(fleet, store, () => inputs.giveWay());
    this.panes = new PaneIntake(store);
  }

  /** After a czar (re)start: what the launch records and pane logs already say, and everything marked for a look. */
  async adopt(
    records: ReadonlyMap<string, LaunchRecord>,
    reportPositions: Readonly<Record<string, LinePosition>> = {},
  ): Promise<void> {
    this.reports.resume(reportPositions);
    for (const spec of this.fleet.config.workers) {
      const record = records.get(spec.name);
      this.store.setExtras(spec.name, record === undefined ? {} : { paneId: record.paneId });
      const mtime = logMtime(this.fleet.paths, spec.name);
      if (mtime !== undefined) this.lastOutputAt.set(spec.name, mtime);
      this.dirty.reports.add(spec.name);
      this.dirty.git.add(spec.name);
    }
  }

  /** The worktrees the launch that started this czar made: the first look takes them as clean (see `GitLooks`). */
  handOver(fresh: FreshWorktrees): void {
    this.gitLooks.handOver(fresh);
  }

  /** Marks what a trigger says moved; false when it changes nothing the policy reads before the next clock tick. */
  note(trigger: Exclude<Trigger, { kind: 'request' }>): boolean {
    switch (trigger.kind) {
      case 'report':
        this.dirty.reports.add(trigger.worker);
        return true;
      case 'output':
        this.lastOutputAt.set(trigger.worker, Date.now());
        this.outputNoted.add(trigger.worker);
        this.dirty.screens.add(trigger.worker);
        // Output from a busy worker changes nothing the policy reads until the next clock tick.
        return (
          this.store.model.workers.find((worker) => worker.spec.name === trigger.worker)?.memory.state !== 'working'
        );
      case 'git':
        for (const name of trigger.workers === 'all'
          ? this.store.model.workers.map((worker) => worker.spec.name)
          : trigger.workers)
          this.dirty.git.add(name);
        return true;
      case 'pane':
        this.dirty.panes = true;
        return true;
    }
  }

  /** The executor started the worker's session: its pane is looked at in the next sweep. */
  launched(worker: string, paneId: string): void {
    this.store.setExtras(worker, { ...this.store.extras.get(worker), paneId });
    this.dirty.panes = true;
  }

  /**
   * The agent was started again in its pane: until the next look, the pane is the fresh agent, not the corpse the
   * restart was for; without this a pass in between would count the old crash again.
   */
  respawned(worker: string, at: number): void {
    this.lastOutputAt.set(worker, at);
    this.store.update(worker, (model) => ({
      ...model,
      pane: {
        alive: true,
        deadStatus: undefined,
        lastOutputAt: at,
        screenWaiting: false,
        screenBusy: false,
        screen: '',
        startedAt: at,
      },
    }));
    this.dirty.panes = true;
  }

  /** Every pane is swept at the next poll. */
  sweepPanes(): void {
    this.dirty.panes = true;
  }

  /** Where the czar is in each worker's report stream, saved so the next czar reads on from there. */
  reportPositions(): Readonly<Record<string, LinePosition>> {
    return this.reports.positions();
  }

  /** Refreshes only what triggers marked: reports, git, the pane sweep and the screens of panes with new output. */
  async poll(): Promise<void> {
    const now = Date.now();
    await this.safetyNet.lookIfDue(now, this.dirty);
    this.logBounds.cutIfDue(now, this.store.model.workers);
    this.dateOutput();
    this.observeOutputTimes();
    this.observeSending(now);
    const reported = this.takeAll(this.dirty.reports);
    const judged = new Set<string>();
    for (const name of reported) {
      await this.reports.observe(name);
      // A done report is judged against the branch, and the commit just before it may not have sent its ref event
      // yet: a branch not where the last look counted it is looked at again. In this pass only when the judgement
      // hangs on it (see `judgedOnTip`); else beside it, so the bonus task a done report asks for waits on no git.
      // Other reports do not wait for git: their commits come with their own ref events.
      const worker = this.store.model.workers.find((candidate) => candidate.spec.name === name);
      if (worker?.report?.state !== 'done' || (await this.gitLooks.tipSeen(worker))) continue;
      if (judgedOnTip(worker, this.store.model.workers)) judged.add(name);
      else this.dirty.git.add(name);
    }
    const gitNames = this.takeAll(this.dirty.git);
    const inPass = this.firstLook ? [...new Set([...gitNames, ...judged])] : [...judged];
    if (inPass.length > 0) {
      this.store.noteGitLooked();
      await this.gitLooks.look(inPass);
      this.firstLook = false;
    }
    this.gitLooks.lookBeside(
      gitNames.filter((name) => !inPass.includes(name)),
      () => this.inputs.looked(),
    );

    const { sweep, look } = paneLooks({
      now,
      workers: this.store.model.workers.length,
      lastSweep: this.lastSweep,
      lastScreenLook: this.lastScreenLook,
      panesDirty: this.dirty.panes,
      screensDirty: this.dirty.screens.size > 0,
      reporting: reported.length > 0,
    });
    if (!sweep && !look) return;
    const lookedAt = Date.now();
    const {
      panes,
      unknown: unknownHosts,
      localGone,
    } = await fleetPanes(this.fleet, unreachableHosts(this.store.model.hostLinks));
    await this.noteServer(localGone);
    this.dirty.panes = false;
    this.lastSweep = now;
    // Look at screens with new output, and at any pane whose state hinges on the screen (quiet or asking).
    const wanted = new Set(look ? this.takeAll(this.dirty.screens) : []);
    for (const worker of this.store.model.workers) {
      const name = worker.spec.name;
      // A screen last seen busy is looked at again too: checks wait for it, and the idle clock reads it.
      if (
        worker.pane === undefined ||
        worker.pane.screenBusy ||
        ['idle', 'waiting', 'starting', 'stuck'].includes(worker.memory.state)
      )
        wanted.add(name);
    }
    const targets = [...wanted].flatMap((name) => {
      const pane = panes.get(name);
      return pane === undefined || pane.dead ? [] : [[name, pane.paneId] as const];
    });
    if (look) this.lastScreenLook = now;
    const capturedAt = Date.now();
    const screens = await captureScreens(this.fleet, targets);
    // Output noted while this pass waited on tmux carries the time the czar got to it: its log says when it was.
    this.dateOutput();
    // The watch of a pane log drops a write that comes a few milliseconds after the one it reported, so the end of
    // a redraw may never be told: a screen read right after output is read once more at the next look.
    for (const [name] of targets)
      if ((this.lastOutputAt.get(name) ?? 0) > capturedAt - SCREEN_SETTLE_MS) this.dirty.screens.add(name);
    for (const worker of this.store.model.workers) {
      const name = worker.spec.name;
      const info = panes.get(name);
      if (this.panes.staleFor(worker, lookedAt)) {
        this.dirty.panes = true;
        continue;
      }
      if (info === undefined) {
        // A worker on a host that cannot be asked is not missing: it keeps running there until the link is back.
        if (!(onThisDisk(worker.spec) ? localGone : unknownHosts.has(worker.spec.host ?? '')))
          this.panes.missing(worker, this.lastOutputAt.get(name), this.inputs.busy(name));
        continue;
      }
      if (!this.panes.take(worker, info, screens.get(name), this.lastOutputAt.get(name))) this.dirty.panes = true;
    }
  }

  /**
   * This machine's tmux server gone means every session went with it, the czar's own too (`czar down`): the czar is
   * going down, and its last word must not be that every worker crashed. Said once, until the server is back.
   */
  private async noteServer(gone: boolean): Promise<void> {
    if (gone && !this.serverGone)
      await this.fleet.log.emit(
        'tmux_gone',
        `the tmux server "${this.fleet.config.tmuxSocket}" is gone, and every session with it; its workers are not taken for crashed; run "czar up" to start the fleet again`,
      );
    this.serverGone = gone;
  }

  /**
   * A log event reaches the czar late when its loop is busy (git looks, a launch): a quiet spell timed from the event
   * began seconds after the pane fell silent, and the nudge came that much late. The log's own time is when the
   * pane last wrote.
   */
  private dateOutput(): void {
    for (const name of this.takeAll(this.outputNoted)) {
      const at = logMtime(this.fleet.paths, name);
      if (at !== undefined) this.lastOutputAt.set(name, at);
    }
  }

  /**
   * Output times come from log events as they happen; carrying them into the model on every pass, not only when a
   * screen is looked at, keeps the idle clock exact to the pass (a quiet worker is nudged idle_after after its output).
   */
  private observeOutputTimes(): void {
    for (const worker of this.store.model.workers) {
      const at = this.lastOutputAt.get(worker.spec.name);
      const pane = worker.pane;
      if (pane === undefined || at === undefined || (pane.lastOutputAt ?? 0) >= at) continue;
      this.store.update(worker.spec.name, (model) => ({ ...model, pane: { ...pane, lastOutputAt: at } }));
    }
  }

  /** Whether an action for each worker is still on its way, and when the last one ended: its answer is due from then. */
  private observeSending(now: number): void {
    for (const worker of this.store.model.workers) {
      const sending = this.inputs.busy(worker.spec.name);
      if (sending === (worker.sending === true)) continue;
      this.store.update(worker.spec.name, (model) => ({
        ...model,
        sending,
        ...(sending ? {} : { sentAt: now }),
      }));
    }
  }

  private takeAll(set: Set<string>): string[] {
    const items = [...set];
    set.clear();
    return items;
  }
}

/**
 * Whether a done report's judgement hangs on the branch's newest commit: done needs commits for its task, so it does
 * while the last look counted none since the task began; checks and a review judge the tip itself; a parent's done
 * waits on its children's tips in its branch. A worker with its task's commits counted and nothing to verify is done
 * on them whatever its newest commit is.
 */
function judgedOnTip(worker: WorkerModel, fleet: readonly WorkerModel[]): boolean {
  const parent = fleet.some((other) => other.spec.parent === worker.spec.name);
  return !hasEvidence(worker) || checkedOrReviewed(worker) || parent;
}
