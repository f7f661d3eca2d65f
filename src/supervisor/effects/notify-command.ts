import { run } from '../../adapters/process.js';
import { notifyPayload } from '../../domain/text/notify.js';
import type { Action } from '../../domain/policy/actions.js';
import type { Fleet } from '../../fleet/handle.js';

/** Runs the configured `notify:` command with the alert as JSON on stdin; its failure is an event, not a crash. */
export async function runNotifyCommand(fleet: Fleet, action: Extract<Action, { kind: 'notify' }>): Promise<void> {
  const notify = fleet.config.notify;
  if (notify === undefined) return;
  const payload = notifyPayload(fleet.config.project, action, new Date().toISOString());
  try {
    await run(notify.command, notify.args, { input: `${JSON.stringify(payload)}\n`, timeoutMs: 30_000 });
  } catch (error) {
    await fleet.log.emit(
      'notify_failed',
      `notify command failed: ${error instanceof Error ? error.message : String(error)}`,
      action.worker,
    );
  }
}
