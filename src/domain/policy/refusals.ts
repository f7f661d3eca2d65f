import { boxRefusalLine, MAX_REFUSED_TARGETS, refusedWrites } from '../model/box-writes.js';
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
 * What a boxed worker's box refused it is one alert line for the person, so `sandbox.allow_hosts` or
 * `sandbox.writable` can be widened knowingly: the connections its door refused (observed), and the writes its screen
 * shows failing on a read-only file system (the paths kept in the alert); said again only when something new is named.
 */
export function alertBoxRefusals(ctx: Context, draft: Draft): void {
  const { spec, pane } = draft.worker;
  if (spec.sandbox === undefined) return;
  const connections = draft.worker.boxConnections ?? [];
  const old = findAlert(draft.memory, 'box_refused', undefined);
  const named = old?.files ?? [];
  const fresh =
    pane === undefined || named.length >= MAX_REFUSED_TARGETS
      ? []
      : refusedWrites(pane.screen).filter((file) => !named.includes(file));
  if (connections.length === 0 && named.length + fresh.length === 0) return;
  const files = [...named, ...fresh].slice(0, MAX_REFUSED_TARGETS);
  const line = boxRefusalLine(spec.name, connections, files);
  if (old?.message === line) return;
  replaceAlert(ctx, draft, 'box_refused', line, 'its box refused what it tried', files.length === 0 ? {} : { files });
}
