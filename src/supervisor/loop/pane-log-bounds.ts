import { boundPaneLog, PANE_LOG_BOUND } from '../../adapters/pane-log.js';
import { onThisDisk } from '../../domain/model/place-kind.js';
import type { WorkerModel } from '../../domain/model/model.js';
import { logFile, type StatePaths } from '../../domain/model/paths.js';
import { sweepEveryMs } from './pass-clock.js';

/** Keeps each pane log on this machine under its bound: every fleet sweep, beside the pass (a cut waits on no one). */
export class PaneLogBounds {
  private lastCut = 0;

  constructor(private readonly paths: StatePaths) {}

  cutIfDue(now: number, workers: readonly WorkerModel[]): void {
    if (now - this.lastCut < sweepEveryMs(workers.length)) return;
    this.lastCut = now;
    for (const worker of workers)
      if (onThisDisk(worker.spec))
        void boundPaneLog(logFile(this.paths, worker.spec.name), PANE_LOG_BOUND).catch(() => false);
  }
}
