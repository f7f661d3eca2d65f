import type { WorkerSpec } from '../domain/config-types.js';
import type { Fleet } from '../fleet/handle.js';
import { actionMessage, type MessageAction } from '../launch/prompts.js';
import { paneOf } from './worker-session.js';

/**
 * Pastes the message of an action into `spec`'s agent through `actionMessage`, the one gate that decides what a plain
 * shell gets, or logs why there is none (`not_pasted`).
 */
export async function pasteOrSkip(
  fleet: Fleet,
  spec: WorkerSpec,
  action: MessageAction,
  paste: (text: string, paneId: string) => Promise<void>,
): Promise<void> {
  const text = await actionMessage(fleet.config, spec, action);
  if (text === undefined) {
    await fleet.log.emit(
      'not_pasted',
      `the ${action.kind} was not pasted: the agent is a plain shell, which would run it as commands, so it gets only its own task`,
      spec.name,
    );
    return;
  }
  await paste(text, await paneOf(fleet, spec));
}
