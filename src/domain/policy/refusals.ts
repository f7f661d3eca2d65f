import { clearAlert, keepAlert, type Context, type Draft } from './draft.js';

/**
 * Alerts on what the shell could not take from the worker or do for it: a report or result file it refused (until
 * one is taken whole), and an action whose effect failed (a task or message that did not reach the agent).
 */
export function alertRefusals(ctx: Context, draft: Draft): void {
  const { refused, undelivered } = draft.worker;
  if (refused !== undefined) {
    const message = `its ${refused.what} was rejected: ${refused.reason}`;
    keepAlert(ctx, draft, 'bad_report', message, `czar refused what the worker wrote`);
  } else clearAlert(ctx, draft, 'bad_report', undefined, 'its latest report was taken');
  if (undelivered !== undefined)
    keepAlert(ctx, draft, 'delivery_failed', undelivered, 'an action carried out for it failed');
}
