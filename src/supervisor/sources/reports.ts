import type { LinePosition } from '../../adapters/line-reader.js';
import { presetOf } from '../../agents/index.js';
import { MAX_REFUSED_TARGETS } from '../../domain/model/box-writes.js';
import { recordCheckpoint } from '../../domain/model/checkpoint-report.js';
import type { WorkerModel } from '../../domain/model/model.js';
import type { ReportObservation } from '../../domain/model/observations.js';
import { visible } from '../../domain/model/sanitize.js';
import type { Fleet } from '../../fleet/handle.js';
import { placeOf } from '../../fleet/place.js';
import type { ModelStore } from './model-store.js';
import { copyResultFile, type ReportReading } from './readings.js';
import { ReportStreams } from './report-streams.js';

/** Takes the workers' reports into the model: reads each report stream on, checks result files, logs what is news. */
export class ReportIntake {
  private readonly reports: ReportStreams;

  constructor(
    private readonly fleet: Fleet,
    private readonly store: ModelStore,
  ) {
    this.reports = new ReportStreams(fleet.paths);
  }

  /** Reads on from where a previous czar left each stream. */
  resume(positions: Readonly<Record<string, LinePosition>>): void {
    this.reports.resume(positions);
  }

  /** Where the czar is in each worker's report stream. */
  positions(): Readonly<Record<string, LinePosition>> {
    return this.reports.positions();
  }

  /** Takes every report the worker appended since the last look, in order. */
  async observe(name: string): Promise<void> {
    for (const reading of await this.reports.read(name)) await this.takeReport(name, reading);
  }

  private async rejectReport(name: string, reason: string): Promise<void> {
    await this.fleet.log.emit('bad_report', `rejected report: ${reason}`, name);
    this.refused(name, { what: 'report', reason });
  }

  /** What the worker wrote last was refused (and why), or taken whole: `decide()` raises or clears the alert. */
  private refused(name: string, refused: WorkerModel['refused']): void {
    this.store.update(name, (worker) =>
      worker.refused?.what === refused?.what && worker.refused?.reason === refused?.reason
        ? worker
        : { ...worker, refused },
    );
  }

  /** A connection its box's door refused: logged once (the door says each target once), and kept for its alert. */
  private async boxRefused(name: string, target: string): Promise<void> {
    await this.fleet.log.emit('box_refused', `its box refused a connection to ${target}`, name);
    this.store.update(name, (worker) => {
      const known = worker.boxConnections ?? [];
      if (known.includes(target) || known.length >= MAX_REFUSED_TARGETS) return worker;
      return { ...worker, boxConnections: [...known, target] };
    });
  }

  /** A done the worker wrote with `czar report` while its agent's turn runs on, when a hook will tell that turn's end. */
  private turnOpen(name: string, report: ReportObservation): boolean {
    if (report.state !== 'done' || report.byHook === true) return false;
    return presetOf(this.store.spec(name).agent).signals.hooks.some((hook) => hook.turnEnd === true);
  }

  private async takeReport(name: string, reading: ReportReading): Promise<void> {
    if (reading.kind === 'rejected') return this.rejectReport(name, reading.reason);
    if (reading.kind === 'box_refused') return this.boxRefused(name, reading.target);
    const previous = this.store.model.workers.find((worker) => worker.spec.name === name)?.report;
    let report: ReportObservation = {
      ...reading.report,
      readAt: Date.now(),
      turnOpen: this.turnOpen(name, reading.report),
    };
    const result =
      report.resultFile === undefined
        ? undefined
        : await copyResultFile(
            this.fleet.paths,
            this.store.spec(name),
            report.resultFile,
            placeOf(this.fleet, this.store.spec(name)),
          );
    if (result?.kind === 'rejected') {
      // The report's state still counts; only the file is refused, so no dependent is pointed at it.
      await this.fleet.log.emit('bad_report', `rejected result file: ${result.reason}`, name);
      this.refused(name, { what: 'result file', reason: result.reason });
      report = { ...report, resultFile: undefined };
    } else {
      this.refused(name, undefined);
      if (result !== undefined) report = { ...report, resultFile: result.copy };
    }
    // A turn end merged into a done repeats it (its time, state and note): that is not news.
    if (previous?.at !== report.at || previous.state !== report.state || previous.note !== report.note) {
      await this.fleet.log.emit(
        'report',
        `reported ${report.state}${report.progress === undefined ? '' : ` ${report.progress}%`}${report.note === undefined ? '' : `: ${report.note}`}`,
        name,
      );
    }
    if (report.checkpoint !== undefined) {
      const { number, text, commit } = report.checkpoint;
      await this.fleet.log.emit('checkpoint', `checkpoint ${number} done: ${visible(text)}`, name, { number, commit });
    }
    this.store.update(name, (model) => recordCheckpoint({ ...model, report }, report));
  }
}
