import type { WorkerSpec } from '../../domain/model/config-types.js';
import { CzarError } from '../../domain/model/errors.js';
import type { Fleet } from '../../fleet/handle.js';
import { tmuxFor } from '../../fleet/panes.js';
import { placeOf } from '../../fleet/place.js';
import { readLaunchRecord, type LaunchRecord } from '../../fleet/launch-records.js';
import { startAgentPane } from '../../launch/agent-pane.js';
import { startWorker } from '../../launch/launcher.js';
import { gatherFacts } from '../../launch/launch-facts.js';
import { planWorker, restartPlan, type WorkerPlan } from '../../launch/plan.js';

/** Starts a worker's session, but never the server the czar runs in (see `FleetPlace.serverGone`). */
export async function startSession(fleet: Fleet, step: WorkerPlan): Promise<LaunchRecord> {
  if (await placeOf(fleet, step.worker).serverGone()) {
    throw new CzarError(
      'tmux_gone',
      `The tmux server "${fleet.config.tmuxSocket}" is gone, so worker "${step.worker.name}" was not started again; run "czar up" to start the fleet.`,
    );
  }
  return startWorker(fleet, step);
}

/** Launches a worker `decide()` started as `czar up` would have, planned from the facts about it as they are now. */
export async function launchPlanned(
  fleet: Fleet,
  spec: WorkerSpec,
): Promise<{ record: LaunchRecord; agentStartedAt: number | undefined }> {
  const { step } = planWorker(fleet.config, await gatherFacts(fleet, spec), spec);
  if (step.problem !== undefined) throw new CzarError('launch_failed', step.problem);
  const agentStartedAt = step.session === 'adopt' ? undefined : Date.now();
  return { record: await startSession(fleet, step), agentStartedAt };
}

/** The worker's pane: from its launch record, else asked of tmux. */
export async function paneOf(fleet: Fleet, spec: WorkerSpec): Promise<string> {
  const record = await readLaunchRecord(fleet.paths, spec.name);
  const paneId = record?.paneId ?? (await tmuxFor(fleet, spec).paneIdOf(spec.name));
  if (paneId === undefined)
    throw new CzarError('no_session', `Worker "${spec.name}" has no tmux session; run "czar up" to start it again.`);
  return paneId;
}

/**
 * Starts the agent again in the worker's worktree (uncommitted work stays): in its own pane, or in a session made
 * anew when the session is gone; continuing `conversation`, one of its own, when given. `created` says a new
 * session (and pane) was made.
 */
export async function respawnAgent(
  fleet: Fleet,
  spec: WorkerSpec,
  conversation?: string,
): Promise<{ paneId: string; created: boolean }> {
  if (await placeOf(fleet, spec).keepSession(spec.name))
    return {
      paneId: await startAgentPane(fleet, spec, { paneId: await paneOf(fleet, spec) }, { conversation }),
      created: false,
    };
  const record = await startSession(fleet, restartPlan(spec, conversation));
  return { paneId: record.paneId, created: true };
}
