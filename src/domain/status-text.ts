import type { FleetStatus } from './status-schema.js';

/**
 * The text of status.json: `JSON.stringify(status, null, 2)`, character for character, built from the text of each
 * worker entry and each task's metrics kept while the entry is the same object. The renderer hands back the same
 * objects for workers and tasks that did not change, so a pass over a 500-worker fleet formats the few that moved
 * instead of 400 KB of JSON.
 */
export function statusText(status: FleetStatus): string {
  return objectText(status, 0, (key, value) => {
    if (key === 'workers') return arrayText(status.workers, 1);
    if (key !== 'metrics' || status.metrics === undefined) return undefined;
    const { tasks } = status.metrics;
    return objectText(value as object, 1, (field) => (field === 'tasks' ? arrayText(tasks, 2) : undefined));
  });
}

/** An object's JSON text `depth` levels deep, with the text of some of its fields given by `special`. */
function objectText(
  value: object,
  depth: number,
  special: (key: string, value: unknown) => string | undefined,
): string {
  const inner = '  '.repeat(depth + 1);
  const fields = Object.entries(value).flatMap(([key, field]) => {
    if (field === undefined) return [];
    const text = special(key, field) ?? indented(JSON.stringify(field, null, 2), inner);
    return [`${inner}${JSON.stringify(key)}: ${text}`];
  });
  return fields.length === 0 ? '{}' : `{\n${fields.join(',\n')}\n${'  '.repeat(depth)}}`;
}

/** An array's JSON text `depth` levels deep, each entry's text kept with the entry. */
function arrayText(items: readonly object[], depth: number): string {
  if (items.length === 0) return '[]';
  const inner = '  '.repeat(depth + 1);
  return `[\n${items.map((item) => inner + itemText(item, inner)).join(',\n')}\n${'  '.repeat(depth)}]`;
}

/** Entries are never changed in place, so an entry's text stays true as long as the entry lives. */
function itemText(item: object, indent: string): string {
  const known = texts.get(item);
  if (known?.indent === indent) return known.text;
  const text = indented(JSON.stringify(item, null, 2), indent);
  texts.set(item, { indent, text });
  return text;
}

/** JSON strings hold no raw newline, so each newline in JSON text starts a line to indent. */
function indented(json: string, indent: string): string {
  return json.replaceAll('\n', `\n${indent}`);
}

const texts = new WeakMap<object, { indent: string; text: string }>();
