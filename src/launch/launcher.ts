import path from 'node:path';
import * as git from '../adapters/git.js';
import { bracketedPasteProbe, paneOutput } from '../adapters/pane-log.js';
import { removeReport } from '../adapters/report-files.js';
import { ensureStateDir, readJson } from '../adapters/state-files.js';
import { presetOf } from '../agents/index.js';
import { startAgentPane } from './agent-pane.js';
import { CZAR_SESSION, logFile, reportFile, statePaths } from '../domain/model/paths.js';
import type { WorkerReport } from '../domain/model/report-schema.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import { doorPath } from '../domain/model/box.js';
import { onThisDisk, placeKind, type PlaceKind } from '../domain/model/place-kind.js';
import { deliverPrompt, sendMessage } from '../delivery/delivery.js';
import type { DeliveryOptions } from '../delivery/delivery-pane.js';
import type { Fleet } from '../fleet/handle.js';
import { tmuxFor } from '../fleet/panes.js';
import { placeOf } from '../fleet/place.js';
import { prepareOneOnHost, startOnHost, type HostPrepared } from './start-on-host.js';
import { prepareWorktree } from './places.js';
import type { WorkerPlan } from './plan.js';
import { readLaunchRecord, writeLaunchRecord, type LaunchRecord } from '../fleet/launch-records.js';
import { taskDigest } from './up-notes.js';

/** A pane that streams output has its screen looked at no more often than this while a message is delivered. */
const OUTPUT_FLOOR_MS = 20;

/**
 * Stops the sessions of workers no longer in the config: no czar would supervise them. Their worktrees and branches
 * stay (czar recorded them, so `down --purge` still finds them). `sessions`: the server's, as the launch found them.
 * Returns one line per session stopped.
 */
export async function stopDroppedWorkers(fleet: Fleet, sessions: ReadonlySet<string>): Promise<string[]> {
  const names = new Set([CZAR_SESSION, ...fleet.config.workers.map((worker) => worker.name)]);
  const lines: string[] = [];
  for (const session of sessions) {
    if (names.has(session)) continue;
    await fleet.tmux.killSession(session);
    const line = `stopped session "${session}": worker "${session}" is no longer in ${fleet.config.file}; its worktree and branch are kept ("czar down --purge" removes them)`;
    await fleet.log.emit('session_stopped', line, session);
    lines.push(line);
  }
  return lines;
}

/** The state dir (0700) and its exclusion from git, so neither the repo nor any worktree ever shows it as a change. */
export async function prepareStateDir(fleet: Fleet): Promise<void> {
  await ensureStateDir(fleet.paths);
  const relative = path.relative(fleet.config.repo, fleet.paths.root);
  if (!relative.startsWith('..') && !path.isAbsolute(relative))
    await git.excludePattern(fleet.config.repo, `/${relative.split(path.sep).join('/')}/`);
}

/** What a launch makes ahead of a worker's agent: its worktree here, or its preparation on its host. */
export type MadeAhead = { readonly worktree: Promise<unknown> } | { readonly host: Promise<HostPrepared> };

/**
 * Brings one worker's worktree and tmux session into being (or adopts them) and records it. Never resets a branch
 * or touches a worktree's files: an existing branch is checked out as it is. `ahead` is what a launch is already
 * making ahead of the agent's start; without it that is done here.
 */
export async function startWorker(fleet: Fleet, step: WorkerPlan, ahead?: MadeAhead): Promise<LaunchRecord> {
  // An agent adopted with no launch record had its task (czar started it), and a shell whose paste began may have run
  // it: recorded as delivered, so the czar supervises it as any other worker.
  const assumedDeliveredAt =
    step.delivery === 'unrecorded' || step.delivery === 'may-have-run' ? new Date().toISOString() : undefined;
  const paneId = await SESSION_STARTS[placeKind(step.worker)](fleet, step, ahead);
  return recordLaunch(fleet, step.worker, paneId, assumedDeliveredAt);
}

/** Starts the worker's session where it runs, its folder made; returns its pane. The launch side of the place seam. */
type SessionStart = (fleet: Fleet, step: WorkerPlan, ahead: MadeAhead | undefined) => Promise<string>;

/** On an SSH host: the worker is prepared there (its clone, worktree and files) and its session started there. */
const startThere: SessionStart = async (fleet, step, ahead) => {
  const host = step.worker.host ?? '';
  const prepared = await (ahead !== undefined && 'host' in ahead ? ahead.host : prepareOneOnHost(fleet, step, host));
  return startOnHost(fleet, step, host, prepared);
};

/** On this machine, a worktree's or a box's: the pane is made, adopted or started again on this tmux server. */
const startHere: SessionStart = async (fleet, step, ahead) => {
  const { worker } = step;
  const { tmux } = fleet;
  await (ahead !== undefined && 'worktree' in ahead ? ahead.worktree : prepareWorktree(fleet, step));
  // The plan already looked: asking tmux again for every new worker is one more process spawn each at launch.
  let paneId = step.session === 'create' ? undefined : await tmux.paneIdOf(worker.name);
  if (paneId !== undefined && step.session === 'respawn') {
    // A pane kept after its agent exited (remain-on-exit): start the agent in it again rather than pipe a dead pane.
    await startAgentPane(fleet, worker, { paneId }, { conversation: step.conversation });
    if (step.delivery !== 'skip') await removeReport(fleet.paths, worker.name);
    await tmux.pipePane(paneId, logFile(fleet.paths, worker.name));
    await fleet.log.emit(
      'session_started',
      `started ${worker.agent.name} again in tmux session "${worker.name}" (${paneId}): ${step.worktree === 'recreate' ? 'its worktree folder was made again' : 'its agent had exited'}`,
      worker.name,
    );
  } else if (paneId === undefined) {
    // A worktree git has just added is this repo's and on the worker's branch: asking git again costs a spawn each.
    paneId = await startAgentPane(fleet, worker, undefined, {
      worktreeJustMade: step.worktree !== 'reuse',
      conversation: step.conversation,
    });
    // What the previous agent reported is not about this one: status must not say "working" from it.
    if (step.delivery !== 'skip') await removeReport(fleet.paths, worker.name);
    await fleet.log.emit(
      'session_started',
      `started ${worker.agent.name} in tmux session "${worker.name}" (${paneId})`,
      worker.name,
    );
  } else {
    await tmux.pipePane(paneId, logFile(fleet.paths, worker.name));
    if (step.delivery === 'unrecorded') {
      await fleet.log.emit(
        'adopted_unrecorded',
        `adopted the agent running in tmux session "${worker.name}" with no launch record (the state dir was lost?): its task is not pasted again; "czar up --redeliver" would paste it`,
        worker.name,
      );
    }
  }
  return paneId;
};

const SESSION_STARTS: Readonly<Record<PlaceKind, SessionStart>> = {
  worktree: startHere,
  box: startHere,
  host: startThere,
};

/** Writes a worker's launch record for its (new or adopted) pane, keeping what earlier launches recorded. */
async function recordLaunch(
  fleet: Fleet,
  worker: WorkerSpec,
  paneId: string,
  assumedDeliveredAt?: string,
): Promise<LaunchRecord> {
  const previous = await readLaunchRecord(fleet.paths, worker.name);
  const deliveredAt = previous?.deliveredAt ?? assumedDeliveredAt;
  const record: LaunchRecord = {
    worker: worker.name,
    paneId,
    branch: worker.branch,
    worktree: worker.worktree,
    agent: worker.agent.name,
    launchedAt: previous?.launchedAt ?? new Date().toISOString(),
    tasks: previous?.tasks ?? [],
    ...(previous?.deliveryStartedAt === undefined ? {} : { deliveryStartedAt: previous.deliveryStartedAt }),
    ...(deliveredAt === undefined ? {} : { deliveredAt }),
    ...(previous?.conversation === undefined ? {} : { conversation: previous.conversation }),
  };
  await writeLaunchRecord(fleet.paths, record);
  return record;
}

/**
 * Pastes a message into a worker with verified delivery and records it. The record is written before the paste
 * starts, so a czar killed mid-delivery is never followed by a second paste of the same task.
 */
export async function deliverToWorker(
  fleet: Fleet,
  worker: WorkerSpec,
  paneId: string,
  text: string,
  taskId: string,
  options: {
    readonly onReady?: () => void;
    /** When czar started the agent this goes to, if it just did: its first paste may wait for its start-up. */
    readonly agentStartedAt?: number | undefined;
    /** The launch has just made the worker's folder (see `FleetPlace.beforeMessage`). */
    readonly folderJustMade?: boolean;
  } = {},
): Promise<{ record: LaunchRecord; pastedAt: number }> {
  const before = await readLaunchRecord(fleet.paths, worker.name);
  if (before === undefined) throw new Error(`no launch record for worker ${worker.name}`);
  await placeOf(fleet, worker).beforeMessage(options.folderJustMade);
  const startedAt = new Date();
  await writeLaunchRecord(fleet.paths, { ...before, deliveryStartedAt: startedAt.toISOString() });
  const preset = presetOf(worker.agent);
  // The first paste: the agent's last turn had ended (delivery waits for it), and it may act on the task from here.
  let pastedAt: number | undefined;
  const result = await deliverPrompt(tmuxFor(fleet, worker), paneId, text, preset, {
    worker: worker.name,
    onEvent: (kind, message) => {
      if (kind === 'pasted') pastedAt ??= Date.now();
      void fleet.log.emit(kind, message, worker.name);
    },
    submittedBySelfReport: async () => reportedSince(fleet, worker, startedAt.getTime(), 'working'),
    bracketedPaste: bracketedPasteProbe(logFile(fleet.paths, worker.name)),
    ...outputOf(fleet, worker),
    ...startUpOf(fleet, worker, options.agentStartedAt),
    onReady: options.onReady,
  });
  const ownTask = taskId === worker.name ? { taskDigest: taskDigest(worker.task) } : {};
  const record: LaunchRecord = {
    ...before,
    deliveryStartedAt: startedAt.toISOString(),
    deliveredAt: new Date().toISOString(),
    tasks: [...before.tasks, taskId],
    ...ownTask,
  };
  await writeLaunchRecord(fleet.paths, record);
  await fleet.log.emit(
    'task_delivered',
    `delivered task "${taskId}" (${Buffer.byteLength(text)} bytes, ${result.attempts} attempt${result.attempts === 1 ? '' : 's'})`,
    worker.name,
    { taskId, bytes: Buffer.byteLength(text), attempts: result.attempts },
  );
  return { record, pastedAt: pastedAt ?? startedAt.getTime() };
}

/** A follow-up message (nudge, realign, a person's text) through the same verified paste; no task record. */
export async function sendToWorker(fleet: Fleet, worker: WorkerSpec, paneId: string, text: string): Promise<void> {
  await placeOf(fleet, worker).beforeMessage();
  const startedAt = new Date();
  const result = await sendMessage(tmuxFor(fleet, worker), paneId, text, presetOf(worker.agent), {
    worker: worker.name,
    onEvent: (kind, message) => void fleet.log.emit(kind, message, worker.name),
    submittedBySelfReport: async () => reportedSince(fleet, worker, startedAt.getTime(), 'working'),
    bracketedPaste: bracketedPasteProbe(logFile(fleet.paths, worker.name)),
    ...outputOf(fleet, worker),
  });
  await fleet.log.emit(
    'message_delivered',
    `message delivered (${Buffer.byteLength(text)} bytes, ${result.attempts} attempt${result.attempts === 1 ? '' : 's'})`,
    worker.name,
  );
}

/** A local pane's output, from its log: a host's panes log on the host, and their screens are looked at on the tick. */
function outputOf(fleet: Fleet, worker: WorkerSpec): Pick<DeliveryOptions, 'nextOutput'> {
  return onThisDisk(worker) ? { nextOutput: paneOutput(logFile(fleet.paths, worker.name), OUTPUT_FLOOR_MS) } : {};
}

/**
 * Whether the worker's latest report (in `state`, if given) was written since `since`, give or take a second. A boxed
 * worker's comes in through its door, which the czar passes on only once it supervises: during a launch it is read
 * there (it only times a paste).
 */
async function reportedSince(
  fleet: Fleet,
  worker: WorkerSpec,
  since: number,
  state?: WorkerReport['state'],
): Promise<boolean> {
  const door = statePaths(doorPath(fleet.paths.root, worker.name));
  const files = [fleet.paths, ...(worker.sandbox === undefined ? [] : [door])].map((paths) =>
    reportFile(paths, worker.name),
  );
  for (const file of files) {
    const report = await readJson<WorkerReport>(file);
    if (
      report !== undefined &&
      (state === undefined || report.state === state) &&
      Date.parse(report.at) >= since - 1000
    )
      return true;
  }
  return false;
}

/**
 * For an agent czar just started whose input box comes before its start-up is over (preset `startUpReport`): its
 * first report since then says the start-up is over. A host's reports carry the host's clock: not asked there.
 */
function startUpOf(
  fleet: Fleet,
  worker: WorkerSpec,
  agentStartedAt: number | undefined,
): Pick<DeliveryOptions, 'startedUp'> {
  if (agentStartedAt === undefined || !onThisDisk(worker) || presetOf(worker.agent).startUpReport !== true) return {};
  return { startedUp: async (after) => reportedSince(fleet, worker, Math.max(agentStartedAt, after)) };
}
