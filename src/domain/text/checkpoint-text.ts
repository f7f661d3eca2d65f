import { checkpointList, checkpointProgress, type Checkpoint } from '../model/checkpoints.js';
import { fill, tidy, type PromptTemplates } from './prompt-template.js';

/**
 * The checkpoints section of a brief: how to report them, the list with the done ones ticked and their commits, and
 * after a restart or re-brief where to go on from. Empty when the task has none.
 */
export function renderCheckpoints(
  templates: PromptTemplates,
  taskId: string,
  items: readonly Checkpoint[] | undefined,
): string {
  if (items === undefined || items.length === 0) return '';
  const { done, total, next } = checkpointProgress(items);
  const soFar =
    done === 0
      ? ''
      : `\n${done} of ${total} are done already (ticked above, with their commits): ${next === undefined ? 'finish the task' : `go on from checkpoint ${next.number}`}, do not start over.`;
  return tidy(
    fill(templates.checkpoints, { taskId, total: String(total), list: checkpointList(items), soFar }, 'checkpoints'),
  );
}
