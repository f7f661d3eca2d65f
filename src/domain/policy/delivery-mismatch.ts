import { promptDifference } from '../model/delivery-check.js';
import { clearAlert, keepAlert, name, type Context, type Draft } from './draft.js';

/**
 * A paste that landed in the input box may still not be what the agent took: the agent's own record of the prompt
 * (transcript, rollout, chat) is compared with the current task, the first prompt it recorded once the task was given.
 */
export function checkDelivery(ctx: Context, draft: Draft): void {
  const task = draft.memory.tasks.at(-1);
  const recorded =
    task === undefined
      ? undefined
      : draft.worker.usage?.prompts?.find((prompt) => prompt.at !== undefined && prompt.at >= task.at);
  if (task === undefined || recorded === undefined) return;
  const difference = promptDifference(task.text, recorded.text);
  if (difference === undefined) {
    clearAlert(ctx, draft, 'delivery_mismatch', undefined, `its agent recorded task ${task.id} as czar sent it`);
    return;
  }
  const message = `its agent recorded task ${task.id} differently from what czar pasted (${difference}), so it may be working on something else; look at its pane with "czar attach ${name(draft)}" and paste the task again with "czar restart ${name(draft)}"`;
  keepAlert(ctx, draft, 'delivery_mismatch', message, "the prompt in the agent's records is not the task czar pasted");
}
