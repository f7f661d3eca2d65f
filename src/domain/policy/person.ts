import { currentTask, ownTask, type FleetModel, type GivenTask, type WorkerModel } from '../model/model.js';
import type { BonusTask } from '../model/config-types.js';
import { givenBonus, withTask } from './queue.js';
import { waitingFor } from './starts.js';
import { rememberedConversation, restartStartOf } from './restart-start.js';
import type { RestartStart } from '../model/resume.js';

/**
 * What a person's requests (`czar pause/resume/restart/bonus`, the dashboard's keys) change in the czar's memory.
 * Pure, like the policy: the supervisor applies the effects (pastes, restarts) these decisions call for.
 */

function withWorker(fleet: FleetModel, name: string, change: (worker: WorkerModel) => WorkerModel): FleetModel {
  return { ...fleet, workers: fleet.workers.map((worker) => (worker.spec.name === name ? change(worker) : worker)) };
}

/** Pauses or resumes autonomy for one worker, or for the whole fleet when `worker` is undefined. */
export function setAutonomy(fleet: FleetModel, worker: string | undefined, paused: boolean): FleetModel {
  if (worker === undefined) return { ...fleet, paused };
  return withWorker(fleet, worker, (model) => ({ ...model, memory: { ...model.memory, paused } }));
}

/**
 * A message from the person (`czar send`): unlike czar's own messages, the turn it starts may be new work, so the
 * worker's done no longer stands against its agent's hooks.
 */
export function messageFromPerson(fleet: FleetModel, worker: string): FleetModel {
  return withWorker(fleet, worker, (model) =>
    model.memory.heldDone === undefined ? model : { ...model, memory: { ...model.memory, heldDone: undefined } },
  );
}

/**
 * A restart the person asked for: the agent resumes its own conversation when czar can tell it is this worker's
 * (never with `fresh`), else its current task is pasted again; the escalation ladder starts over.
 */
export function restartByPerson(
  fleet: FleetModel,
  worker: string,
  now: number,
  fresh = false,
): { fleet: FleetModel; task: GivenTask; start: RestartStart } | undefined {
  const model = fleet.workers.find((candidate) => candidate.spec.name === worker);
  if (model === undefined) return undefined;
  const task = currentTask(model) ?? ownTask(model.spec, now);
  const start = restartStartOf(model, task.text, fresh);
  const next = withWorker(fleet, worker, (current) => ({
    ...current,
    memory: {
      ...current.memory,
      briefedAt: now,
      ladder: { rung: 'none', at: now },
      resumedConversation: rememberedConversation(start),
    },
  }));
  return { fleet: next, task, start };
}

/** The next bonus task, given to this worker now whatever its state; undefined when the queue is empty. */
export function bonusByPerson(
  fleet: FleetModel,
  worker: string,
  now: number,
): { fleet: FleetModel; task: BonusTask } | undefined {
  const task = fleet.queue[0];
  const model = fleet.workers.find((candidate) => candidate.spec.name === worker);
  if (task === undefined || model === undefined) return undefined;
  const given = givenBonus(task, now, model.git.commitsAhead);
  const next = withWorker({ ...fleet, queue: fleet.queue.slice(1) }, worker, (current) => ({
    ...current,
    memory: withTask(current.memory, current.spec, given, now),
  }));
  return { fleet: next, task };
}

/**
 * Why a person's restart, send or bonus cannot reach this worker yet, or undefined when it can: a worker the czar
 * has not launched (it waits for dependencies or a free slot), or launched early and not yet given its task, has
 * no agent at work to act on. The czar starts it by itself; acting now would start an agent out of turn.
 */
export function notStartedYet(fleet: FleetModel, worker: string, command: string): string | undefined {
  const model = fleet.workers.find((candidate) => candidate.spec.name === worker);
  if (model === undefined || model.memory.tasks.length > 0) return undefined;
  const waitsFor = waitingFor(
    model.spec,
    (dep) => fleet.workers.find((other) => other.spec.name === dep)?.memory.completedAt !== undefined,
  );
  const why =
    waitsFor.length > 0
      ? `it waits for ${waitsFor.join(', ')} to finish`
      : `it waits for one of the ${fleet.policy.maxActive} slots of max_active`;
  return `Worker "${worker}" has not started yet: ${why}, and the czar starts it then, so "czar ${command}" has nothing to act on now.`;
}
