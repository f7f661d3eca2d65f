import path from 'node:path';
import { activity, branchCutAt } from '../adapters/branch-activity.js';
import { modifiedAt } from '../adapters/file-system.js';
import { headRef, isAncestor, revParse } from '../adapters/git.js';
import { branchPlace } from '../adapters/worktree-place.js';
import type { BranchPlace } from '../domain/branch-place.js';
import { writeAtomic } from '../adapters/state-files.js';
import { readTextFile } from '../adapters/text-file.js';
import { MAX_RESULT_BYTES } from '../domain/limits.js';
import type { PaneInfo } from '../adapters/tmux-words.js';
import { apiFailureOnScreen } from '../agents/hook-events.js';
import type { AgentPreset } from '../agents/preset.js';
import type { PaneObservation, ReportObservation } from '../domain/observations.js';
import { logFile, type StatePaths } from '../domain/paths.js';
import { parseReport } from '../domain/report-schema.js';
import type { WorkerSpec } from '../domain/config-types.js';
import type { GitActivity } from '../domain/status-schema.js';
import { mapBounded } from '../fleet/map-bounded.js';
import type { Fleet } from '../fleet/handle.js';
import type { ModelStore } from './model-store.js';

/** A report as the czar sees it: valid, or rejected with a reason. */
export type ReportReading =
  | { readonly kind: 'valid'; readonly report: ReportObservation }
  | { readonly kind: 'rejected'; readonly reason: string };

/** Checks one line of a worker's report stream: worker files are untrusted input, so nothing here throws. */
export function readReportLine(line: string, worker: string): ReportReading {
  const parsed = parseReport(line, worker);
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
export async function copyResultFile(paths: StatePaths, worker: WorkerSpec, file: string): Promise<ResultReading> {
  const source = path.resolve(worker.worktree, file);
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
  return {
    alive: !info.dead,
    deadStatus: info.dead
      ? (info.deadStatus ?? (info.deadSignal === undefined ? undefined : 128 + info.deadSignal))
      : undefined,
    lastOutputAt,
    screenWaiting: text !== '' && preset.isWaiting(text),
    screenBusy: text !== '' && preset.isBusy(text),
    screen: text,
    apiFailure: text === '' ? undefined : apiFailureOnScreen(preset.name, text),
  };
}

/** Last output time after a czar restart: the pane log's modification time. */
export async function logMtime(paths: StatePaths, worker: string): Promise<number | undefined> {
  return modifiedAt(logFile(paths, worker));
}

export async function gitActivity(fleet: Fleet, worker: WorkerSpec): Promise<GitActivity> {
  // A child's branch starts with its parent's commits: its files are those since its parent's branch, or its parent's
  // would count as the child's in scope, overlap and conflicts, and its commits those since it was cut, or its
  // parent's would be its evidence of work (the cut stays put when the parent merges the child).
  const parent = fleet.config.workers.find((spec) => spec.name === worker.parent);
  const from = await countedFrom(fleet, worker);
  // A host's worktree is not on this machine: its commits arrive as the branch here, its uncommitted files stay unseen.
  return activity(
    fleet.config.repo,
    from,
    worker.branch,
    worker.host === undefined ? worker.worktree : undefined,
    fleet.config.integration.branch,
    parent?.branch,
  );
}

/** Where a worker's own commits start: base, or for a spawned child the commit its branch was cut at. */
export async function countedFrom(fleet: Fleet, worker: WorkerSpec): Promise<string> {
  if (worker.parent === undefined) return fleet.config.base;
  return (await branchCutAt(fleet.config.repo, worker.branch)) ?? fleet.config.base;
}

/** Where a local worker's branch and worktree stand; a host's worktree is not on this machine (undefined). */
function gitPlace(fleet: Fleet, worker: WorkerSpec, lastTip: string | undefined): Promise<BranchPlace | undefined> {
  return worker.host === undefined
    ? branchPlace(fleet.config.repo, worker.branch, worker.worktree, lastTip)
    : Promise.resolve(undefined);
}

// A few workers at a time: after a restart or a base change all of them are dirty, and four git processes each for a
// hundred workers at once cost more memory and CPU than the latency they save.
const GIT_CONCURRENCY = 4;

/**
 * Each branch's commits and files, and where its branch and worktree stand. Without base nothing can be counted:
 * the last counts stay (every branch at +0 would read as work lost) and the fleet is told base is gone.
 */
export async function observeGit(fleet: Fleet, store: ModelStore, names: readonly string[]): Promise<void> {
  const baseMissing =
    (await revParse(fleet.config.repo, headRef(fleet.config.base)).catch(() => undefined)) === undefined;
  if (baseMissing !== (store.model.baseMissing === true)) store.change((model) => ({ ...model, baseMissing }));
  const workers = new Map(store.model.workers.map((worker) => [worker.spec.name, worker]));
  // A parent's branch that moved may now hold a child's tip: its children are looked at again with it.
  const children = store.model.workers.filter((worker) => names.includes(worker.spec.parent ?? ''));
  const looked = [...new Set([...names, ...children.map((child) => child.spec.name)])];
  const looks = await mapBounded(looked, GIT_CONCURRENCY, 0, async (name) => {
    const spec = store.spec(name);
    const [git, place, inParent] = await Promise.all([
      baseMissing ? undefined : gitActivity(fleet, spec),
      gitPlace(fleet, spec, workers.get(name)?.git.lastCommit?.sha),
      mergedInParent(fleet, store, spec),
    ]);
    return [name, git, place, inParent] as const;
  });
  for (const result of looks) {
    if (result.status !== 'fulfilled') continue;
    const [name, git, place, inParent] = result.value;
    store.update(name, (model) => {
      const sameActivity = git === undefined || JSON.stringify(model.git) === JSON.stringify(git);
      const samePlace = JSON.stringify(model.place) === JSON.stringify(place);
      const sameMerge = model.inParent === inParent;
      return sameActivity && samePlace && sameMerge
        ? model
        : { ...model, ...(sameActivity ? {} : { git }), place, inParent };
    });
  }
}

/** Whether a spawned child's branch tip is in its parent's branch (undefined for a worker with no parent). */
async function mergedInParent(fleet: Fleet, store: ModelStore, spec: WorkerSpec): Promise<boolean | undefined> {
  if (spec.parent === undefined) return undefined;
  const parent = store.model.workers.find((worker) => worker.spec.name === spec.parent)?.spec.branch;
  if (parent === undefined) return false;
  return isAncestor(fleet.config.repo, headRef(spec.branch), headRef(parent)).catch(() => false);
}
