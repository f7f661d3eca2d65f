import path from 'node:path';
import { pathExists, pathKind } from '../adapters/file-system.js';
import * as git from '../adapters/git.js';
import { listWorktrees } from '../adapters/git-worktrees.js';
import { which } from '../adapters/which.js';
import { readJson } from '../adapters/state-files.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import { reportFile } from '../domain/model/paths.js';
import type { WorkerReport } from '../domain/model/report-schema.js';
import type { Fleet } from '../fleet/handle.js';
import { readOwnership } from '../fleet/ownership.js';
import { fleetPanes, tmuxFor } from '../fleet/panes.js';
import { readLaunchRecords, readLaunchRecord, type LaunchRecord } from '../fleet/launch-records.js';
import type { PaneInfo } from '../adapters/tmux-words.js';
import { agentPathOf } from './agent-pane.js';
import type { LaunchFacts } from './plan.js';

/**
 * Reads what exists (worktrees, branches, sessions, launch records) for the planner: about every worker for `czar up`,
 * or about `only` when the czar starts that one (the repository's worktrees and branches still, as its plan checks
 * its branch against them).
 */
export async function gatherFacts(fleet: Fleet, only?: WorkerSpec): Promise<LaunchFacts> {
  const { config } = fleet;
  const workers = only === undefined ? config.workers : [only];
  // A bare command is looked up on the PATH its agent will run with, which the config may set per worker.
  const lookups = new Map<string, Promise<boolean>>();
  const runnable = (worker: WorkerSpec): Promise<boolean> => {
    const searchPath = agentPathOf(worker);
    const key = `${worker.agent.command}\0${searchPath}`;
    let found = lookups.get(key);
    if (found === undefined) {
      found = which(worker.agent.command, path.dirname(config.file), searchPath).then((file) => file !== undefined);
      lookups.set(key, found);
    }
    return found;
  };
  const [worktrees, tips, otherRefs, panes, records, baseSha, ownership, missing, worktreesKind] = await Promise.all([
    listWorktrees(config.repo),
    git.branchTips(config.repo),
    git.otherRefs(config.repo),
    // A host's workers are found on its tmux; a host that cannot be asked leaves them to fail at their launch.
    only === undefined ? fleetPanes(fleet, new Set()).then(({ panes }) => [...panes.values()]) : panesOf(fleet, only),
    only === undefined ? readLaunchRecords(fleet.paths) : recordOf(fleet, only),
    git.revParse(config.repo, git.headRef(config.base)),
    readOwnership(fleet.paths),
    Promise.all(workers.map(async (worker) => ((await runnable(worker)) ? [] : [worker.name]))),
    pathKind(config.worktrees),
  ]);
  const existingPaths = new Set<string>();
  const reports = new Map<string, { state: string; at: string }>();
  await Promise.all(
    workers.map(async (worker) => {
      if (await pathExists(worker.worktree)) existingPaths.add(worker.worktree);
      const report = await readJson<Partial<WorkerReport>>(reportFile(fleet.paths, worker.name));
      if (typeof report?.state === 'string' && typeof report.at === 'string')
        reports.set(worker.name, { state: report.state, at: report.at });
    }),
  );
  return {
    worktrees,
    branches: tips,
    otherRefs,
    sessions: new Set(panes.map((pane) => pane.session)),
    deadSessions: new Set(panes.filter((pane) => pane.dead).map((pane) => pane.session)),
    commandMissing: new Set(missing.flat()),
    socketPath: fleet.tmux.socketPath(),
    worktreesKind,
    existingPaths,
    records,
    reports,
    baseExists: baseSha !== undefined,
    madeBranches: new Set(ownership.branches.keys()),
  };
}

/** The worker's own pane, if its tmux server has its session. */
async function panesOf(fleet: Fleet, worker: WorkerSpec): Promise<PaneInfo[]> {
  const panes = await tmuxFor(fleet, worker)
    .listPanes()
    .catch(() => []);
  return panes.filter((pane) => pane.session === worker.name);
}

async function recordOf(fleet: Fleet, worker: WorkerSpec): Promise<Map<string, LaunchRecord>> {
  const record = await readLaunchRecord(fleet.paths, worker.name);
  return new Map(record === undefined ? [] : [[worker.name, record]]);
}
