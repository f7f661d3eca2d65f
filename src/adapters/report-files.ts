import { mkdir, rm } from 'node:fs/promises';
import { appendLineSync } from './file-system.js';
import path from 'node:path';
import { acquireLock } from './lock-file.js';
import { jsonIn, readText, writeAtomic } from './state-files.js';
import type { WorkerReport } from '../domain/model/report-schema.js';
import { reportFile, reportStream, type StatePaths } from '../domain/model/paths.js';

// A worker's reports: `reports/<worker>.jsonl`, every report in order, and `reports/<worker>.json`, the latest.

/**
 * A worker's own report, appended to its stream and kept as its latest report: the only files a worker writes. A
 * turn end (`turnEnd`) is merged with the report on file, so it cannot undo a done (see `mergeReport`).
 */
export async function writeReport(
  paths: StatePaths,
  report: WorkerReport,
  options: { turnEnd?: boolean } = {},
): Promise<void> {
  await makeReportsFolder(paths);
  const kept =
    options.turnEnd === true
      ? await mergedWith(await readText(reportFile(paths, report.worker)).catch(() => undefined), report)
      : report;
  await putReport(paths, kept);
}

/**
 * Writes the report `next` makes of the one on file (nothing when it returns undefined), holding the worker's report
 * lock from the read to the write: an agent that runs its hooks without waiting for them (pi's extension) can start a
 * run's start and end reports at the same moment, and each must judge its event against what the other wrote.
 */
export async function writeReportAfter(
  paths: StatePaths,
  worker: string,
  next: (previous: WorkerReport | undefined) => { report: WorkerReport; turnEnd: boolean } | undefined,
): Promise<void> {
  await makeReportsFolder(paths);
  const release = await acquireLock(path.join(paths.reports, `${worker}.lock`), {
    timeoutMs: REPORT_LOCK_WAIT_MS,
    what: `another report of worker "${worker}"`,
  });
  try {
    // Read once: what `next` judges against is what a turn end is merged with.
    const onFile = await readText(reportFile(paths, worker));
    const written = next(jsonIn<WorkerReport>(onFile));
    if (written !== undefined)
      await putReport(paths, written.turnEnd ? await mergedWith(onFile, written.report) : written.report);
  } finally {
    await release();
  }
}

/** Not recursive: a state dir that is gone stays gone rather than being made again under a stale path. */
async function makeReportsFolder(paths: StatePaths): Promise<void> {
  await mkdir(paths.reports, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}

/** A report takes milliseconds to write: a holder that keeps the lock longer is stuck, and the report fails. */
const REPORT_LOCK_WAIT_MS = 5_000;

/** Appends the report to the worker's stream, then makes it the latest report on file. */
async function putReport(paths: StatePaths, report: WorkerReport): Promise<void> {
  const line = `${JSON.stringify(report)}\n`;
  // The stream first: a report the czar reads there is never lost to the next one replacing the latest file.
  await appendReportLine(paths, report.worker, line);
  await writeAtomic(reportFile(paths, report.worker), line);
}

/**
 * A turn end merged with the report on file (its text). Only a done on file can stand against it, so the schema (zod)
 * is loaded only then: an agent's hooks end every turn, and most turns end on no done.
 */
async function mergedWith(previousText: string | undefined, report: WorkerReport): Promise<WorkerReport> {
  if (previousText === undefined || !saysDone(previousText)) return report;
  const { mergeReport, parseReport } = await import('../domain/model/report-schema.js');
  const previous = parseReport(previousText, report.worker);
  return mergeReport(previous.ok === true ? previous.report : undefined, report, { turnEnd: true });
}

function saysDone(text: string): boolean {
  try {
    return (JSON.parse(text) as { state?: unknown } | null)?.state === 'done';
  } catch {
    return false;
  }
}

/** Puts a refused report in the worker's stream, where the czar reads it as a rejected report (see `parseReport`). */
export async function writeRefusal(paths: StatePaths, worker: string, reason: string): Promise<void> {
  await appendReportLine(
    paths,
    worker,
    `${JSON.stringify({ refused: reason.slice(0, 1000), at: new Date().toISOString() })}\n`,
  );
}

/** The worker's network door refused it a connection to `target`: one line in its report stream, read as that. */
export async function writeBoxRefusal(paths: StatePaths, worker: string, target: string): Promise<void> {
  await appendReportLine(
    paths,
    worker,
    `${JSON.stringify({ boxRefused: target.slice(0, 300), at: new Date().toISOString() })}\n`,
  );
}

/** Appends one report line (see `appendLineSync`: whole, in order, and never glued to a torn one). */
export async function appendReportLine(paths: StatePaths, worker: string, line: string): Promise<void> {
  appendLineSync(reportStream(paths, worker), line);
}

/** Drops a worker's reports: they spoke for an agent process that is gone. */
export async function removeReport(paths: StatePaths, worker: string): Promise<void> {
  await rm(reportFile(paths, worker), { force: true });
  await rm(reportStream(paths, worker), { force: true });
}
