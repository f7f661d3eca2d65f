import { boxBranchTip, fetchFromBox } from '../../adapters/box-repo.js';
import { fleetDoorState } from '../../adapters/fleet-door.js';
import { revParse } from '../../adapters/git.js';
import {
  answerInDoor,
  newDoorLines,
  saveDoorOffset,
  takeDoorRequests,
  writeInDoor,
} from '../../adapters/door-files.js';
import { appendReportLine } from '../../adapters/report-files.js';
import { makeFolder, pathExists, removeFile } from '../../adapters/file-system.js';
import { readJson, writeAtomic, writeJsonAtomic } from '../../adapters/state-files.js';
import { CzarRequestSchema, type CzarRequest } from '../../domain/model/czar-request.js';
import { doorView } from '../../domain/status/door-view.js';
import type { FleetStatus } from '../../domain/status/status-schema.js';
import { watchPaths, type Watch } from '../../adapters/watcher.js';
import { doorBoxVerdict, doorPath } from '../../domain/model/box.js';
import { placeKind } from '../../domain/model/place-kind.js';
import { findBoxEngine } from '../../adapters/box-engine.js';
import type { WorkerSpec } from '../../domain/model/config-types.js';
import { doorViewFile, launchRecordFile, reportFile, statePaths } from '../../domain/model/paths.js';
import { visible } from '../../domain/model/sanitize.js';
import type { Fleet } from '../../fleet/handle.js';
import { sweepEveryMs } from '../loop/pass-clock.js';
import { LineOrder } from './line-order.js';
import { observeNetDoor } from './net-doors.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';
import path from 'node:path';

/**
 * What crosses a boxed worker's walls: its commits (its branch fetched from its repository into the main one,
 * fast-forward only, so the git watchers see it as a local worker's), its reports and its requests (read from its door,
 * and counted as that worker's whatever name they give) and, the other way, czar's answers and its view of the fleet.
 * A report's commits are fetched before the report is passed on, so a "done" never arrives ahead of its work.
 */
export class BoxDoors implements Source {
  readonly name = 'box-doors';
  private readonly watches = new Map<string, Watch[]>();
  private readonly order = new LineOrder();
  /** What was said once per worker: a branch that would not fetch, a report under another name. */
  private readonly said = new Set<string>();
  private stopped = false;
  /** Requests carried from a door into czar's requests, by id: whose door their answer goes back to. */
  private readonly carried = new Map<string, string>();
  private answers: Watch | undefined;
  /** The view last written into each door, so an unchanged one is not written again. */
  private readonly shown = new Map<string, string>();
  private readonly boxed = new Set<string>();
  /** Per worker in a repository of its own, a look at its branch and door, for the sweep that backs up the watches. */
  private readonly looks = new Map<string, () => void>();
  /** Per worker, its branch's tip in its repository as read just before its last fetch that succeeded. */
  private readonly fetched = new Map<string, string | undefined>();
  private lastSweep = Date.now();

  /** `halt`: aborted as the czar stops, when the watches are let go. */
  constructor(
    private readonly fleet: Fleet,
    halt: AbortSignal,
  ) {
    halt.addEventListener('abort', () => void this.stop(), { once: true });
  }

  /** Watches every boxed worker not yet watched (a spawned child joins after the start). */
  async poll(store: ModelStore): Promise<void> {
    for (const { spec } of store.model.workers)
      if (placeKind(spec) === 'box' && !this.watches.has(spec.name)) {
        // A spawned child is in the model before its repository and door are made: watched once both are.
        if (await pathExists(launchRecordFile(statePaths(doorPath(this.fleet.paths.root, spec.name)), spec.name)))
          this.track(spec);
        // sandbox: on where no engine is: unboxed, with no door, but its commits are still in a repository of its own.
        else if (
          doorBoxVerdict(spec, await findBoxEngine()).kind === 'unboxed' &&
          (await pathExists(path.join(spec.worktree, '.git')))
        )
          this.trackCommits(spec);
      }
    // The network door of every boxed worker here is one process: whether it runs is observed, decide() says when to
    // start it again.
    const via = [...this.boxed][0];
    if (!this.stopped) {
      const state = via === undefined ? 'none' : await fleetDoorState(this.fleet.paths.root);
      observeNetDoor(
        store,
        '',
        via === undefined || state === 'none' ? undefined : { up: state === 'up', worker: via },
      );
    }
    // An answer the watch missed (written as it was armed) is carried back here.
    for (const id of this.carried.keys()) await this.answer(id);
    // A commit, report or request whose write the watch never told (a busy machine's file watches have lost one)
    // still comes in: every branch and door is read again at the fleet's sweep, a few file reads for each.
    const now = Date.now();
    if (now - this.lastSweep >= sweepEveryMs(store.model.workers.length)) {
      this.lastSweep = now;
      for (const look of this.looks.values()) look();
    }
  }

  /**
   * Writes each boxed worker's view of the fleet into its door, when it changed: what `czar peers` prints there. The
   * base's commit is the one the git source last read (`baseTip`), asked of git only before its first look: asking
   * git at every status cost a process each time.
   */
  async show(status: FleetStatus, baseTip: string | undefined): Promise<void> {
    if (this.boxed.size === 0 || this.stopped) return;
    const base = baseTip ?? (await revParse(this.fleet.config.repo, this.fleet.config.base));
    for (const name of this.boxed) {
      const text = `${JSON.stringify(doorView(status, name, base))}\n`;
      if (this.shown.get(name) === text) continue;
      await writeInDoor(doorViewFile(doorPath(this.fleet.paths.root, name)), text).catch(() => undefined);
      this.shown.set(name, text);
    }
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.watches.values()].flat().map((watch) => watch.close()));
    await this.answers?.close();
    this.watches.clear();
  }

  /** Fetches the branch of a worker in a repository of its own but not boxed, whenever a ref moves there. */
  private trackCommits(spec: WorkerSpec): void {
    const tip = this.tipFetch(spec);
    this.watches.set(spec.name, [this.watchTip(spec, tip)]);
    this.looks.set(spec.name, () => this.fetchIfMoved(spec, tip));
    tip();
  }

  /** Asks for a fetch of the worker's branch, after the fetches and report lines before it. */
  private tipFetch(spec: WorkerSpec): () => void {
    return () => this.order.add(spec.name, 'tip', () => this.fetch(spec));
  }

  private watchTip(spec: WorkerSpec, tip: () => void): Watch {
    const gitDir = path.join(spec.worktree, '.git');
    return watchPaths([path.join(gitDir, 'refs', 'heads'), path.join(gitDir, 'packed-refs')], tip, { depth: 8 });
  }

  /**
   * At the sweep: a fetch when the branch's tip in its repository is not the one last fetched (a commit the watch
   * missed, or made before the watch was ready).
   */
  private fetchIfMoved(spec: WorkerSpec, tip: () => void): void {
    void boxBranchTip(spec.worktree, spec.branch).then((now) => {
      if (now === undefined || now !== this.fetched.get(spec.name)) tip();
    });
  }

  private track(spec: WorkerSpec): void {
    const door = doorPath(this.fleet.paths.root, spec.name);
    const tip = this.tipFetch(spec);
    // A report's lines are read before the fetch that goes with them: a commit made after a fetch began and reported
    // after it would otherwise be passed on without its commit (a "done" judged on no commits).
    const reports = (): void => this.order.add(spec.name, 'tip', () => this.pass(spec, door));
    const requests = (): void => this.order.add(spec.name, 'other', () => this.carry(spec, door));
    this.answers ??= watchPaths(
      [this.fleet.paths.requests],
      (file) => {
        const id = path.basename(file).replace(/\.result\.json$/, '');
        if (this.carried.has(id)) void this.answer(id);
      },
      { depth: 0 },
    );
    this.boxed.add(spec.name);
    this.watches.set(spec.name, [
      this.watchTip(spec, tip),
      // The door itself, not its folders: a new agent's door gets them afresh.
      watchPaths(
        [door],
        (file) => {
          const folder = path.relative(door, file).split(path.sep)[0];
          if (folder === 'reports') reports();
          else if (folder === 'requests' && !file.endsWith('.result.json')) requests();
        },
        { depth: 1 },
      ),
    ]);
    const look = (): void => {
      this.fetchIfMoved(spec, tip);
      reports();
      requests();
    };
    this.looks.set(spec.name, look);
    // What happened while no czar looked.
    look();
  }

  /**
   * Carries the requests in a worker's door into czar's own, where they are checked as any worker's request is (its
   * signature, the child as the config would have it, decide()'s limits). Only a worker's own kinds pass (spawn and
   * cancel), and only in the name of the door's worker: anything else is answered with a refusal in the door.
   */
  private async carry(spec: WorkerSpec, door: string): Promise<void> {
    if (this.stopped) return;
    for (const { id, value } of await takeDoorRequests(door)) {
      if (!REQUEST_ID.test(id)) continue;
      const parsed = CzarRequestSchema.safeParse(value);
      const refused = !parsed.success
        ? 'This request is not one czar reads; run "czar spawn" to make one.'
        : await this.refusal(spec.name, id, parsed.data);
      if (refused !== undefined) {
        await answerInDoor(door, id, { id, ok: false, message: refused });
        continue;
      }
      this.carried.set(id, spec.name);
      await writeJsonAtomic(path.join(this.fleet.paths.requests, `${id}.json`), parsed.data);
    }
  }

  /** Why a request from the door of `worker` is not carried in, or undefined when it is. */
  private async refusal(worker: string, id: string, request: CzarRequest): Promise<string | undefined> {
    const speaker = request.kind === 'spawn' ? request.worker : request.kind === 'cancel' ? request.by : undefined;
    if (request.kind !== 'spawn' && request.kind !== 'cancel')
      return `A boxed worker may ask czar only to spawn or cancel a child of its own, not "${request.kind}".`;
    if (request.id !== id) return `The request's id "${visible(request.id)}" is not its file's name ${id}.json.`;
    if (speaker !== worker) {
      const claimed = visible(String(speaker ?? '(no worker)').slice(0, 80));
      await this.sayOnce(
        `request:${worker}`,
        'bad_request',
        `a request came through the box of ${worker} as "${claimed}"; a boxed worker speaks only for itself, so it was refused`,
        worker,
      );
      return `This request names worker "${claimed}", but it came through the box of ${worker}, which speaks only for itself.`;
    }
    const names = ['json', 'result.json', 'taken'].map((end) => path.join(this.fleet.paths.requests, `${id}.${end}`));
    if ((await Promise.all(names.map(pathExists))).some(Boolean))
      return `A request ${id} is already with czar; ask again (a new request gets a new id).`;
    return undefined;
  }

  /** Carries czar's answer to a request back into the door it came through. */
  private async answer(id: string): Promise<void> {
    const worker = this.carried.get(id);
    if (worker === undefined) return;
    const file = path.join(this.fleet.paths.requests, `${id}.result.json`);
    const result = await readJson<unknown>(file);
    if (result === undefined) return;
    this.carried.delete(id);
    await answerInDoor(doorPath(this.fleet.paths.root, worker), id, result).catch(() => undefined);
    await removeFile(file);
  }

  private async fetch(spec: WorkerSpec): Promise<void> {
    if (this.stopped) return;
    try {
      const tip = await boxBranchTip(spec.worktree, spec.branch);
      await fetchFromBox(this.fleet.config.repo, spec.worktree, spec.branch);
      this.fetched.set(spec.name, tip);
      this.said.delete(`fetch:${spec.name}`);
    } catch (error) {
      await this.sayOnce(
        `fetch:${spec.name}`,
        'box_fetch_failed',
        `the commits of boxed worker ${spec.name} did not reach ${spec.branch} here: ${error instanceof Error ? error.message : String(error)}; czar tries again at its next commit`,
        spec.name,
      );
    }
  }

  /**
   * Passes the door's new report lines on as the worker's own, after fetching the commits made before them; a line
   * naming another worker is dropped and said.
   */
  private async pass(spec: WorkerSpec, door: string): Promise<void> {
    if (this.stopped) return;
    const { lines, next } = await newDoorLines(door, spec.name);
    if (lines.length === 0) return;
    await this.fetch(spec);
    const { paths } = this.fleet;
    await makeFolder(paths.reports);
    for (const line of lines) {
      const named = namedWorker(line);
      if (named !== spec.name && named !== 'refusal') {
        await this.sayOnce(
          `name:${spec.name}`,
          'bad_report',
          `a report came through the box of ${spec.name} as "${visible(String(named ?? '(no name)'))}"; a boxed worker speaks only for itself, so it was dropped`,
          spec.name,
        );
        continue;
      }
      await appendReportLine(paths, spec.name, `${line}\n`);
      if (named !== 'refusal') await writeAtomic(reportFile(paths, spec.name), `${line}\n`);
    }
    await saveDoorOffset(door, next);
  }

  private async sayOnce(key: string, kind: string, message: string, worker: string): Promise<void> {
    if (this.said.has(key)) return;
    this.said.add(key);
    await this.fleet.log.emit(kind, message, worker).catch(() => undefined);
  }
}

/** What `czar spawn` names a request: the time and random hex; anything else is no request of czar's making. */
const REQUEST_ID = /^\d{1,16}-[0-9a-f]{8}$/;

/** The worker a report line names, `refusal` for `czar report`'s own refusal line, undefined when it is no report. */
function namedWorker(line: string): string | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as { worker?: unknown; refused?: unknown; boxRefused?: unknown };
    if (typeof record.refused === 'string' || typeof record.boxRefused === 'string') return 'refusal';
    return typeof record.worker === 'string' ? record.worker.slice(0, 80) : undefined;
  } catch {
    return undefined;
  }
}
