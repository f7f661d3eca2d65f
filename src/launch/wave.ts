import { hookRuns } from '../adapters/git.js';
import { presetOf } from '../agents/index.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import { onThisDisk } from '../domain/model/place-kind.js';
import type { FreshWorktrees } from '../fleet/fresh-worktrees.js';
import type { Fleet } from '../fleet/handle.js';
import { mapBounded, startBounded } from '../fleet/map-bounded.js';
import { Turns } from '../fleet/turns.js';
import { conversationStart } from './conversation-start.js';
import { deliverToWorker, startWorker, type MadeAhead } from './launcher.js';
import { prepareOnHosts } from './start-on-host.js';
import { machinesInTurn } from './machine-turns.js';
import type { WorkerPlan } from './plan.js';
import { restartedMessage } from './prompts.js';
import { prepareWorktree } from './places.js';

/** git processes making worktrees at once during a launch: about what two cores keep busy. */
const WORKTREES_AT_ONCE = 4;

export interface WaveResult {
  readonly started: readonly string[];
  readonly failed: readonly { readonly worker: string; readonly error: unknown }[];
  /** The started workers whose worktrees this wave made, clean, with their index stamps (see `FreshWorktrees`). */
  readonly fresh: FreshWorktrees;
}

/**
 * Launches workers in parallel, bounded by `launch_concurrency` and spaced by `launch_stagger` (fleets sharing one
 * login race on token refresh; bursts of agents have been OOM-killed). One worker's failure does not stop the rest.
 */
export async function launchWave(
  fleet: Fleet,
  steps: readonly WorkerPlan[],
  promptFor: (worker: WorkerSpec, step: WorkerPlan) => Promise<string>,
): Promise<WaveResult> {
  const { policy } = fleet.config;
  const startingAlone = new Turns();
  // A launch slot covers an agent's start-up, the costly part: once it is ready for its task, the next one starts
  // while this one's task is pasted and its submission checked.
  const ordered = machinesInTurn(steps);
  // Worktrees are made ahead, a few at a time, outside the launch slots: an agent's slot then waits for its own
  // worktree only, and git's work goes on while started agents draw their screens (a wave of slots all running
  // `git worktree add` at once kept two cores busy and the waves in lockstep).
  const local = ordered.filter((planned) => onThisDisk(planned.worker));
  const made = startBounded(local, WORKTREES_AT_ONCE, (planned) => prepareWorktree(fleet, planned));
  const ahead = new Map<WorkerPlan, MadeAhead>([
    ...made.map((worktree, index) => [local[index] as WorkerPlan, { worktree }] as const),
    // A host's worktrees and files are made there ahead too, all its workers' at once, from its clone fetched once.
    ...[...prepareOnHosts(fleet, ordered)].map(([step, host]) => [step, { host }] as const),
  ]);
  const results = await mapBounded(ordered, policy.launchConcurrency, policy.launchStaggerMs, async (planned, slot) => {
    const giveTurnBack = presetOf(planned.worker.agent).startsOneAtATime
      ? await startingAlone.take(planned.worker.agent.name)
      : () => undefined;
    const release = (): void => {
      giveTurnBack();
      slot();
    };
    try {
      return await launchOne(fleet, planned, promptFor, release, ahead.get(planned));
    } finally {
      giveTurnBack();
    }
  });
  const started: string[] = [];
  const failed: { worker: string; error: unknown }[] = [];
  results.forEach((result, index) => {
    const name = ordered[index]?.worker.name ?? '?';
    if (result.status === 'fulfilled') started.push(name);
    else failed.push({ worker: name, error: result.reason });
  });
  const fresh = await freshWorktrees(fleet, local, made, new Set(started));
  for (const failure of failed) {
    await fleet.log.emit(
      'launch_failed',
      failure.error instanceof Error ? failure.error.message : String(failure.error),
      failure.worker,
    );
  }
  return { started, failed, fresh };
}

/**
 * The worktrees the wave made for workers it started, by worker. None when the repository has a post-checkout hook:
 * it may have changed the files git had just checked out.
 */
async function freshWorktrees(
  fleet: Fleet,
  local: readonly WorkerPlan[],
  made: readonly Promise<string | undefined>[],
  started: ReadonlySet<string>,
): Promise<FreshWorktrees> {
  const stamps = new Map<string, string>();
  for (const [index, stamp] of (await Promise.allSettled(made)).entries()) {
    const name = local[index]?.worker.name;
    if (stamp.status === 'fulfilled' && stamp.value !== undefined && name !== undefined && started.has(name))
      stamps.set(name, stamp.value);
  }
  if (stamps.size === 0 || (await hookRuns(fleet.config.repo, 'post-checkout').catch(() => true))) return new Map();
  return stamps;
}

/** Starts one worker of a launch and delivers its first task; `release` gives its launch slot back once it is ready. */
async function launchOne(
  fleet: Fleet,
  planned: WorkerPlan,
  promptFor: (worker: WorkerSpec, step: WorkerPlan) => Promise<string>,
  release: () => void,
  madeAhead: MadeAhead | undefined,
): Promise<string> {
  // A new agent for a task already delivered (after a reboot): its own conversation goes on where it can.
  const start =
    planned.delivery === 'resume'
      ? await conversationStart(fleet, planned.worker, planned.worker.task, false)
      : undefined;
  const step = start?.kind === 'resume' ? { ...planned, conversation: start.id } : planned;
  const agentStartedAt = step.session === 'adopt' ? undefined : Date.now();
  const record = await startWorker(fleet, step, madeAhead);
  if (step.delivery === 'skip' || step.delivery === 'unrecorded' || step.delivery === 'may-have-run')
    return step.worker.name;
  // Which checkpoints were done lives in the czar's model, not in the plan: the conversation resumed holds them.
  const text =
    start?.kind === 'resume'
      ? await restartedMessage(fleet.config, step.worker, { id: step.worker.name, checkpoints: undefined })
      : await promptFor(step.worker, step);
  await deliverToWorker(fleet, step.worker, record.paneId, text, step.worker.name, {
    onReady: release,
    agentStartedAt,
    folderJustMade: madeAhead !== undefined && 'worktree' in madeAhead && step.worktree !== 'reuse',
  });
  return step.worker.name;
}
