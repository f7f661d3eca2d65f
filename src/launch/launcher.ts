import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as git from '../adapters/git.js';
import { CZAR_BIN_DIR, czarCommand } from '../adapters/package-files.js';
import { ensureStateDir, readJson } from '../adapters/state-files.js';
import { presetFor } from '../agents/index.js';
import { logFile, reportFile } from '../domain/paths.js';
import type { WorkerReport } from '../domain/report.js';
import type { WorkerSpec } from '../domain/types.js';
import { deliverPrompt, sendMessage } from './delivery.js';
import { mapBounded, type Fleet } from './fleet.js';
import { startOnHost, tmuxFor } from './hosts.js';
import type { LaunchFacts, WorkerPlan } from './plan.js';
import { readAllRecords, readRecord, writeRecord, type LaunchRecord } from './records.js';

/** Reads what exists (worktrees, branches, sessions, launch records) for the planner. */
export async function gatherFacts(fleet: Fleet): Promise<LaunchFacts> {
  const { config } = fleet;
  const [worktrees, tips, sessions, records, baseSha] = await Promise.all([
    git.listWorktrees(config.repo),
    git.branchTips(config.repo),
    fleet.tmux.listSessions(),
    readAllRecords(fleet.paths),
    git.revParse(config.repo, config.base),
  ]);
  const existingPaths = new Set<string>();
  await Promise.all(config.workers.map(async (worker) => {
    if (await access(worker.worktree).then(() => true, () => false)) existingPaths.add(worker.worktree);
  }));
  return {
    worktrees,
    branches: new Set(tips.keys()),
    sessions: new Set(sessions),
    existingPaths,
    records,
    baseExists: baseSha !== undefined,
  };
}

/** The state dir (0700) and its exclusion from git, so neither the repo nor any worktree ever shows it as a change. */
export async function prepareStateDir(fleet: Fleet): Promise<void> {
  await ensureStateDir(fleet.paths);
  const relative = path.relative(fleet.config.repo, fleet.paths.root);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) await git.excludePattern(fleet.config.repo, `/${relative.split(path.sep).join('/')}/`);
}

/** The argv and environment of a worker's agent, after writing any settings files its preset needs (hooks). */
export async function agentLaunchSpec(fleet: Fleet, worker: WorkerSpec): Promise<{ argv: string[]; env: Record<string, string> }> {
  const preset = presetFor(worker.agent.preset);
  const settingsDir = path.join(fleet.paths.agentSettings, worker.name);
  const setup = preset.setup({ worker: worker.name, settingsDir, czarCommand: czarCommand(), worktree: worker.worktree });
  for (const file of setup.files) {
    await mkdir(path.dirname(file.path), { recursive: true, mode: 0o700 });
    await writeFile(file.path, file.content, { mode: 0o600 });
  }
  const env: Record<string, string> = {
    ...worker.agent.env,
    ...setup.env,
    ...worker.env,
    CZAR_PROJECT: fleet.config.project,
    CZAR_WORKER: worker.name,
    CZAR_STATE_DIR: fleet.paths.root,
    CZAR_CONFIG: fleet.config.file,
    PATH: `${CZAR_BIN_DIR}${path.delimiter}${process.env.PATH ?? ''}`,
  };
  return { argv: [worker.agent.command, ...worker.agent.args, ...setup.args], env };
}

/**
 * Brings one worker's worktree and tmux session into being (or adopts them) and records it. Never resets a branch
 * or touches a worktree's files: an existing branch is checked out as it is.
 */
export async function startWorker(fleet: Fleet, step: WorkerPlan): Promise<LaunchRecord> {
  const { worker } = step;
  const { config, tmux } = fleet;
  if (worker.host !== undefined) return recordLaunch(fleet, worker, await startOnHost(fleet, step, worker.host));
  if (step.worktree !== 'reuse') {
    await git.addWorktree(config.repo, worker.worktree, worker.branch, config.base, step.worktree === 'checkout-branch');
    await fleet.log.emit('worktree_added', `worktree ${worker.worktree} on ${worker.branch}${step.worktree === 'create-branch' ? ` (new, from ${config.base})` : ' (existing branch)'}`, worker.name);
  }
  // The plan already looked: asking tmux again for every new worker is one more process spawn each at launch.
  let paneId = step.session === 'adopt' ? await tmux.paneIdOf(worker.name) : undefined;
  if (paneId === undefined) {
    const { argv, env } = await agentLaunchSpec(fleet, worker);
    paneId = await tmux.newSession({ name: worker.name, cwd: worker.worktree, argv, env, logFile: logFile(fleet.paths, worker.name) });
    await fleet.log.emit('session_started', `started ${worker.agent.name} in tmux session "${worker.name}" (${paneId})`, worker.name);
  } else {
    await tmux.pipePane(paneId, logFile(fleet.paths, worker.name));
  }
  return recordLaunch(fleet, worker, paneId);
}

/** Writes a worker's launch record for its (new or adopted) pane, keeping what earlier launches recorded. */
async function recordLaunch(fleet: Fleet, worker: WorkerSpec, paneId: string): Promise<LaunchRecord> {
  const previous = await readRecord(fleet.paths, worker.name);
  const record: LaunchRecord = {
    worker: worker.name,
    paneId,
    branch: worker.branch,
    worktree: worker.worktree,
    agent: worker.agent.name,
    launchedAt: previous?.launchedAt ?? new Date().toISOString(),
    tasks: previous?.tasks ?? [],
    ...(previous?.deliveryStartedAt === undefined ? {} : { deliveryStartedAt: previous.deliveryStartedAt }),
    ...(previous?.deliveredAt === undefined ? {} : { deliveredAt: previous.deliveredAt }),
  };
  await writeRecord(fleet.paths, record);
  return record;
}

/**
 * Pastes a message into a worker with verified delivery and records it. The record is written before the paste
 * starts, so a czar killed mid-delivery is never followed by a second paste of the same task.
 */
export async function deliverToWorker(fleet: Fleet, worker: WorkerSpec, paneId: string, text: string, taskId: string): Promise<LaunchRecord> {
  const before = await readRecord(fleet.paths, worker.name);
  if (before === undefined) throw new Error(`no launch record for worker ${worker.name}`);
  const startedAt = new Date();
  await writeRecord(fleet.paths, { ...before, deliveryStartedAt: startedAt.toISOString() });
  const preset = presetFor(worker.agent.preset);
  const result = await deliverPrompt(tmuxFor(fleet, worker), paneId, text, preset, {
    worker: worker.name,
    onEvent: (kind, message) => void fleet.log.emit(kind, message, worker.name),
    submittedBySelfReport: async () => reportedWorkingSince(fleet, worker.name, startedAt),
  });
  const record: LaunchRecord = { ...before, deliveryStartedAt: startedAt.toISOString(), deliveredAt: new Date().toISOString(), tasks: [...before.tasks, taskId] };
  await writeRecord(fleet.paths, record);
  await fleet.log.emit('task_delivered', `delivered task "${taskId}" (${Buffer.byteLength(text)} bytes, ${result.attempts} attempt${result.attempts === 1 ? '' : 's'})`, worker.name, { taskId, bytes: Buffer.byteLength(text), attempts: result.attempts });
  return record;
}

/** A follow-up message (nudge, realign, a person's text) through the same verified paste; no task record. */
export async function sendToWorker(fleet: Fleet, worker: WorkerSpec, paneId: string, text: string): Promise<void> {
  const startedAt = new Date();
  const result = await sendMessage(tmuxFor(fleet, worker), paneId, text, presetFor(worker.agent.preset), {
    worker: worker.name,
    onEvent: (kind, message) => void fleet.log.emit(kind, message, worker.name),
    submittedBySelfReport: async () => reportedWorkingSince(fleet, worker.name, startedAt),
  });
  await fleet.log.emit('message_delivered', `message delivered (${Buffer.byteLength(text)} bytes, ${result.attempts} attempt${result.attempts === 1 ? '' : 's'})`, worker.name);
}

async function reportedWorkingSince(fleet: Fleet, worker: string, since: Date): Promise<boolean> {
  const report = await readJson<WorkerReport>(reportFile(fleet.paths, worker));
  return report !== undefined && report.state === 'working' && Date.parse(report.at) >= since.getTime() - 1000;
}

export interface WaveResult {
  readonly started: readonly string[];
  readonly failed: readonly { readonly worker: string; readonly error: unknown }[];
}

/**
 * Launches workers in parallel, bounded by `launch_concurrency` and spaced by `launch_stagger` (fleets sharing one
 * login race on token refresh; bursts of agents have been OOM-killed). One worker's failure does not stop the rest.
 */
export async function launchWave(
  fleet: Fleet,
  steps: readonly WorkerPlan[],
  promptFor: (worker: WorkerSpec) => Promise<string>,
): Promise<WaveResult> {
  const { policy } = fleet.config;
  const results = await mapBounded(steps, policy.launchConcurrency, policy.launchStaggerMs, async (step) => {
    const record = await startWorker(fleet, step);
    if (step.delivery === 'deliver') await deliverToWorker(fleet, step.worker, record.paneId, await promptFor(step.worker), step.worker.name);
    else if (step.delivery === 'unknown') {
      await fleet.log.emit('delivery_unknown', `a delivery started at ${record.deliveryStartedAt ?? '?'} was never confirmed; not pasting again (use "czar send ${step.worker.name}" if the task is missing)`, step.worker.name);
    }
    return step.worker.name;
  });
  const started: string[] = [];
  const failed: { worker: string; error: unknown }[] = [];
  results.forEach((result, index) => {
    const name = steps[index]?.worker.name ?? '?';
    if (result.status === 'fulfilled') started.push(name);
    else failed.push({ worker: name, error: result.reason });
  });
  for (const failure of failed) {
    await fleet.log.emit('launch_failed', failure.error instanceof Error ? failure.error.message : String(failure.error), failure.worker);
  }
  return { started, failed };
}
