import { MAX_REFUSED_WRITES, refusedWrites, refusedWritesLine } from '../model/box-writes.js';
import { clearAlert, findAlert, keepAlert, replaceAlert, type Context, type Draft } from './draft.js';

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

/**
 * A boxed worker's write its box refused (its screen shows a read-only file system error naming the path) is one
 * alert line for the person, naming the paths, so `sandbox.writable` can be widened knowingly; said again only for a
 * path not yet named.
 */
export function alertRefusedWrites(ctx: Context, draft: Draft): void {
  const screen = draft.worker.pane?.screen;
  if (draft.worker.spec.sandbox === undefined || screen === undefined) return;
  const named = findAlert(draft.memory, 'box_refused', undefined)?.files ?? [];
  if (named.length >= MAX_REFUSED_WRITES) return;
  const fresh = refusedWrites(screen).filter((file) => !named.includes(file));
  if (fresh.length === 0) return;
  const files = [...named, ...fresh].slice(0, MAX_REFUSED_WRITES);
  const line = refusedWritesLine(draft.worker.spec.name, files);
  replaceAlert(ctx, draft, 'box_refused', line, 'its box refused a write outside what it may write', { files });
}
