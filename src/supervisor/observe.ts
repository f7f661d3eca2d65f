import { stat } from 'node:fs/promises';
import * as git from '../adapters/git.js';
import { readText } from '../adapters/state-files.js';
import type { PaneInfo } from '../adapters/tmux.js';
import type { AgentPreset } from '../agents/preset.js';
import type { PaneObservation, ReportObservation } from '../domain/fleet.js';
import { logFile, reportFile, type StatePaths } from '../domain/paths.js';
import { parseReport } from '../domain/report.js';
import type { GitActivity, WorkerSpec } from '../domain/types.js';
import type { Fleet } from '../launch/fleet.js';

/** A report as the czar sees it: valid (and newer than the last one), rejected with a reason, or absent. */
export type ReportReading =
  | { readonly kind: 'valid'; readonly report: ReportObservation; readonly seq: number }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'absent' };

/** Reads and checks a worker's report file: worker files are untrusted input, so nothing here throws. */
export async function readWorkerReport(paths: StatePaths, worker: string): Promise<ReportReading> {
  let text: string | undefined;
  try {
    text = await readText(reportFile(paths, worker));
  } catch (error) {
    return { kind: 'rejected', reason: `report file cannot be read: ${(error as Error).message}` };
  }
  if (text === undefined) return { kind: 'absent' };
  const parsed = parseReport(text, worker);
  if (!parsed.ok) return { kind: 'rejected', reason: parsed.reason };
  const { report } = parsed;
  return {
    kind: 'valid',
    seq: report.seq,
    report: { state: report.state, at: Date.parse(report.at), progress: report.progress, note: report.note, resultFile: report.resultFile },
  };
}

/** Screen text minus trailing blank lines, and its last non-empty line (the status file's "last output"). */
export function lastLine(screen: string): string | undefined {
  const lines = screen.split('\n').map((line) => line.trimEnd()).filter((line) => line.trim() !== '');
  return lines.at(-1)?.slice(0, 300);
}

/** Combines tmux's view of a pane with the preset's reading of its screen. */
export function paneObservation(info: PaneInfo, screen: string | undefined, preset: AgentPreset, lastOutputAt: number | undefined, previous: PaneObservation | undefined): PaneObservation {
  const text = screen ?? previous?.screen ?? '';
  return {
    alive: !info.dead,
    deadStatus: info.dead ? (info.deadStatus ?? (info.deadSignal === undefined ? undefined : 128 + info.deadSignal)) : undefined,
    lastOutputAt,
    screenWaiting: text !== '' && preset.isWaiting(text),
    screenBusy: text !== '' && preset.isBusy(text),
    screen: text,
  };
}

/** Last output time after a czar restart: the pane log's modification time. */
export async function logMtime(paths: StatePaths, worker: string): Promise<number | undefined> {
  return stat(logFile(paths, worker)).then((info) => info.mtimeMs, () => undefined);
}

export async function gitActivity(fleet: Fleet, worker: WorkerSpec): Promise<GitActivity> {
  return git.activity(fleet.config.repo, fleet.config.base, worker.branch, worker.worktree);
}
