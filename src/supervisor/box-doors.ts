import { fetchFromBox } from '../adapters/box-repo.js';
import { newDoorLines, saveDoorOffset } from '../adapters/door-files.js';
import { appendReportLine } from '../adapters/report-files.js';
import { makeFolder } from '../adapters/file-system.js';
import { writeAtomic } from '../adapters/state-files.js';
import { watchPaths, type Watch } from '../adapters/watcher.js';
import { doorPath } from '../domain/box.js';
import type { WorkerSpec } from '../domain/config-types.js';
import { reportFile } from '../domain/paths.js';
import { visible } from '../domain/sanitize.js';
import type { Fleet } from '../fleet/handle.js';
import { LineOrder } from './line-order.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';
import path from 'node:path';

/**
 * What crosses a boxed worker's walls into czar: its commits (its branch fetched from its repository into the main one,
 * fast-forward only, so the git watchers see it as a local worker's) and its reports (read from its door, and counted
 * as that worker's whatever name they give). A report's commits are fetched before the report is passed on, so a
 * "done" never arrives ahead of its work.
 */
export class BoxDoors implements Source {
  readonly name = 'box-doors';
  private readonly watches = new Map<string, Watch[]>();
  private readonly order = new LineOrder();
  /** What was said once per worker: a branch that would not fetch, a report under another name. */
  private readonly said = new Set<string>();
  private stopped = false;

  /** `halt`: aborted as the czar stops, when the watches are let go. */
  constructor(
    private readonly fleet: Fleet,
    halt: AbortSignal,
  ) {
    halt.addEventListener('abort', () => void this.stop(), { once: true });
  }

  /** Watches every boxed worker not yet watched (a spawned child joins after the start). */
  async poll(store: ModelStore): Promise<void> {
    for (const worker of store.model.workers)
      if (worker.spec.sandbox !== undefined && !this.watches.has(worker.spec.name)) this.track(worker.spec);
    await Promise.resolve();
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.watches.values()].flat().map((watch) => watch.close()));
    this.watches.clear();
  }

  private track(spec: WorkerSpec): void {
    const gitDir = path.join(spec.worktree, '.git');
    const door = doorPath(this.fleet.paths.root, spec.name);
    const tip = (): void => this.order.add(spec.name, 'tip', () => this.fetch(spec));
    const reports = (): void => {
      tip();
      this.order.add(spec.name, 'other', () => this.pass(spec, door));
    };
    this.watches.set(spec.name, [
      watchPaths([path.join(gitDir, 'refs', 'heads'), path.join(gitDir, 'packed-refs')], tip, { depth: 8 }),
      watchPaths([path.join(door, 'reports')], reports, { depth: 0 }),
    ]);
    // What happened while no czar looked.
    reports();
  }

  private async fetch(spec: WorkerSpec): Promise<void> {
    if (this.stopped) return;
    try {
      await fetchFromBox(this.fleet.config.repo, spec.worktree, spec.branch);
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

  /** Passes the door's new report lines on as the worker's own; a line naming another worker is dropped and said. */
  private async pass(spec: WorkerSpec, door: string): Promise<void> {
    if (this.stopped) return;
    const { lines, next } = await newDoorLines(door, spec.name);
    if (lines.length === 0) return;
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

/** The worker a report line names, `refusal` for `czar report`'s own refusal line, undefined when it is no report. */
function namedWorker(line: string): string | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as { worker?: unknown; refused?: unknown };
    if (typeof record.refused === 'string') return 'refusal';
    return typeof record.worker === 'string' ? record.worker.slice(0, 80) : undefined;
  } catch {
    return undefined;
  }
}
