import path from 'node:path';
import { branchCutAt } from '../../adapters/branch-activity.js';
import { modifiedAtSync } from '../../adapters/file-system.js';
import { writeAtomic } from '../../adapters/state-files.js';
import { readTextFile } from '../../adapters/text-file.js';
import { MAX_RESULT_BYTES } from '../../domain/model/limits.js';
import type { PaneInfo } from '../../adapters/tmux-words.js';
import { apiFailureOnScreen } from '../../agents/hook-events.js';
import type { AgentPreset } from '../../agents/preset.js';
import type { PaneObservation, ReportObservation } from '../../domain/model/observations.js';
import { logFile, type StatePaths } from '../../domain/model/paths.js';
import { parseReport } from '../../domain/model/report-schema.js';
import type { WorkerSpec } from '../../domain/model/config-types.js';
import type { Fleet } from '../../fleet/handle.js';
import type { FleetPlace } from '../../fleet/place.js';

/** A report as the czar sees it: valid, or rejected with a reason. */
export type ReportReading =
  | { readonly kind: 'valid'; readonly report: ReportObservation }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'box_refused'; readonly target: string };

/** Checks one line of a worker's report stream: worker files are untrusted input, so nothing here throws. */
export function readReportLine(line: string, worker: string): ReportReading {
  const parsed = parseReport(line, worker);
  if (parsed.ok === 'box_refused') return { kind: 'box_refused', target: parsed.target };
  if (!parsed.ok) return { kind: 'rejected', reason: parsed.reason };
  const { report } = parsed;
  return {
    kind: 'valid',
    report: {
      state: report.state,
      at: Date.parse(report.at),
      progress: report.progress,
      note: report.note,
      resultFile: report.resultFile,
      task: report.task,
      failure: report.failure,
      transcriptPath: report.transcriptPath,
      ...(report.sessionId === undefined ? {} : { sessionId: report.sessionId }),
      ...(report.checkpoint === undefined ? {} : { checkpoint: report.checkpoint }),
      byHook: report.source.startsWith('hook:'),
    },
  };
}

/** A result file as the czar sees it: copied into the state dir, or rejected with a reason. */
export type ResultReading =
  { readonly kind: 'copied'; readonly copy: string } | { readonly kind: 'rejected'; readonly reason: string };

/**
 * Checks the result file a report names (relative paths are in the worker's worktree) and keeps a copy under
 * `results/<worker>.md`, so what dependents are told about stays put even if the worktree changes. The file is
 * untrusted: only a regular file of UTF-8 text up to MAX_RESULT_BYTES is taken; nothing here throws.
 */
export async function copyResultFile(
  paths: StatePaths,
  worker: WorkerSpec,
  file: string,
  place: Pick<FleetPlace, 'fileOutside'>,
): Promise<ResultReading> {
  const source = await place.fileOutside(path.resolve(worker.worktree, file));
  if (source === undefined)
    return { kind: 'rejected', reason: `result file ${file} is outside its box, where czar does not read for it` };
  const reading = await readTextFile(source, MAX_RESULT_BYTES);
  if (!reading.ok) return { kind: 'rejected', reason: `result file ${file} ${reading.reason}` };
  const copy = path.join(paths.results, `${worker.name}.md`);
  try {
    if (path.resolve(copy) !== source) await writeAtomic(copy, reading.text);
  } catch (error) {
    return {
      kind: 'rejected',
      reason: `result file ${file} could not be copied to ${copy}: ${(error as Error).message}`,
    };
  }
  return { kind: 'copied', copy };
}

/** Screen text minus trailing blank lines, and its last non-empty line (the status file's "last output"). */
export function lastLine(screen: string): string | undefined {
  const lines = screen
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  return lines.at(-1)?.slice(0, 300);
}

/** Combines tmux's view of a pane with the preset's reading of its screen. */
export function paneObservation(
  info: PaneInfo,
  screen: string | undefined,
  preset: AgentPreset,
  lastOutputAt: number | undefined,
  previous: PaneObservation | undefined,
): PaneObservation {
  const text = screen ?? previous?.screen ?? '';
  const alive = {
    alive: !info.dead,
    deadStatus: info.dead
      ? (info.deadStatus ?? (info.deadSignal === undefined ? undefined : 128 + info.deadSignal))
      : undefined,
    lastOutputAt,
    startedAt: previous?.startedAt,
  };
  // Every sweep sees every pane, and most screens did not change: their reading stands (the preset's patterns are
  // most of a quiet sweep's cost).
  if (previous?.alive === true && previous.screen === text) {
    const { screenWaiting, screenBusy, apiFailure } = previous;
    return { ...alive, screen: text, screenWaiting, screenBusy, apiFailure };
  }
  return {
    ...alive,
    screenWaiting: text !== '' && preset.isWaiting(text),
    screenBusy: text !== '' && preset.isBusy(text),
    screen: text,
    apiFailure: text === '' ? undefined : apiFailureOnScreen(preset.name, text),
  };
}

/** When a worker's pane last wrote: its log's modification time (a stat, cheap enough for every pass). */
export function logMtime(paths: StatePaths, worker: string): number | undefined {
  return modifiedAtSync(logFile(paths, worker));
}

/** Where a worker's own commits start: base, or for a spawned child the commit its branch was cut at. */
export async function countedFrom(fleet: Fleet, worker: WorkerSpec): Promise<string> {
  if (worker.parent === undefined) return fleet.config.base;
  return (await branchCutAt(fleet.config.repo, worker.branch)) ?? fleet.config.base;
}
