import { onThisDisk, placeWhere } from '../model/place-kind.js';
import type { WorkerModel } from '../model/model.js';
import { restartStart, type RestartStart } from '../model/resume.js';

/**
 * How a restart of `worker` on its task starts the agent, from what the model holds: the conversations its records
 * showed (absent when its agent cannot resume, keeps no records czar reads, or runs on a host), the one its hooks
 * last named, else the one czar last resumed.
 */
export function restartStartOf(worker: WorkerModel, task: string, fresh: boolean): RestartStart {
  const seen = worker.conversations;
  return restartStart({
    fresh,
    preset: worker.spec.agent.preset,
    resumable: seen !== undefined,
    onThisDisk: onThisDisk(worker.spec),
    where: placeWhere(worker.spec),
    worktree: seen?.worktree ?? worker.spec.worktree,
    task,
    named: worker.report?.sessionId ?? worker.memory.resumedConversation,
    conversations: seen?.conversations ?? [],
  });
}

/** What the memory keeps of a start: the conversation resumed, so the next restart prefers it. */
export function rememberedConversation(start: RestartStart): string | undefined {
  return start.kind === 'resume' ? start.id : undefined;
}
