import type { WorkerSpec } from '../../domain/model/config-types.js';
import type { Fleet } from '../../fleet/handle.js';
import { actionMessage, type MessageAction } from '../../launch/prompts.js';
import { paneOf } from './worker-session.js';

/**
 * Pastes the message of an action into `spec`'s agent through `actionMessage`. `decide()` never sends a plain shell a
 * message other than a task's text or a person's line (`withholdFromPlainShells`); one that reaches it anyway is
 * refused here as a fault, never pasted where it would run as commands.
 */
export async function pasteOrSkip(
  fleet: Fleet,
  spec: WorkerSpec,
  action: MessageAction,
  paste: (text: string, paneId: string) => Promise<void>,
): Promise<void> {
  const text = await actionMessage(fleet.config, spec, action);
  if (text === undefined)
    throw new Error(
      `the ${action.kind} for ${spec.name} is not pasted: its agent is a plain shell, which would run it`,
    );
  await paste(text, await paneOf(fleet, spec));
}
