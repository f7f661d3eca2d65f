import type { FleetStatus, WorkerStatus } from './status-schema.js';

/**
 * The text of status.json as pieces whose concatenation is `JSON.stringify(status, null, 2)`, character for
 * character. The piece of a worker entry or of a task's metrics is the same string while the entry is the same
 * object, and the renderer hands back the same objects for workers and tasks that did not change: a pass over a
 * 500-worker fleet formats the few that moved, compares the rest by identity, and never joins 400 KB of JSON into
 * one more string for the garbage collector.
 */
export function statusPieces(status: FleetStatus): string[] {
  const pieces: string[] = [];
  objectPieces(status, 0, pieces, (key, value) => {
    if (key === 'workers') return arrayPieces(status.workers, 1, pieces, workerText);
    if (key !== 'metrics' || status.metrics === undefined) return false;
    const { tasks } = status.metrics;
    objectPieces(value as object, 1, pieces, (field) => field === 'tasks' && arrayPieces(tasks, 2, pieces));
    return true;
  });
  return pieces;
}

/** The pieces again with the top-level `updatedAt` set to `at`: a status is compared without it, and written with. */
export function withUpdatedAt(pieces: readonly string[], at: string): string[] {
  const name = pieces.indexOf(UPDATED_AT_NAME);
  return name === -1 ? [...pieces] : pieces.with(name + 1, JSON.stringify(at));
}

/** The top-level field's name piece: its value is the next piece. */
const UPDATED_AT_NAME = '  "updatedAt": ';

/**
 * An object's JSON text `depth` levels deep, as pieces; `special` writes the pieces of some of its fields' values
 * itself (and says so), the rest are one piece each with their name.
 */
function objectPieces(
  value: object,
  depth: number,
  pieces: string[],
  special: (key: string, value: unknown) => boolean,
): void {
  const inner = '  '.repeat(depth + 1);
  const fields = Object.entries(value).filter(([, field]) => field !== undefined);
  if (fields.length === 0) {
    pieces.push('{}');
    return;
  }
  pieces.push('{\n');
  for (const [index, [key, field]] of fields.entries()) {
    if (index > 0) pieces.push(',\n');
    pieces.push(`${inner}${JSON.stringify(key)}: `);
    if (!special(key, field)) pieces.push(indented(JSON.stringify(field, null, 2), inner));
  }
  pieces.push(`\n${'  '.repeat(depth)}}`);
}

/** An array's JSON text `depth` levels deep, each entry's piece kept with the entry; always true (it wrote). */
function arrayPieces<T extends object>(
  items: readonly T[],
  depth: number,
  pieces: string[],
  text: (item: T, indent: string) => string = itemText,
): true {
  if (items.length === 0) {
    pieces.push('[]');
    return true;
  }
  const inner = '  '.repeat(depth + 1);
  pieces.push('[\n');
  for (const [index, item] of items.entries()) {
    pieces.push(index === 0 ? inner : `,\n${inner}`, text(item, inner));
  }
  pieces.push(`\n${'  '.repeat(depth)}]`);
  return true;
}

/** Entries are never changed in place, so an entry's text stays true as long as the entry lives. */
function itemText(item: object, indent: string): string {
  const known = texts.get(item);
  if (known?.indent === indent) return known.text;
  const text = indented(JSON.stringify(item, null, 2), indent);
  texts.set(item, { indent, text });
  return text;
}

/**
 * A worker's entry, its alerts' text kept with its alerts list. An entry is built again whenever its pane writes (its
 * `lastOutputAt`), while its alerts stay the same list; in a fleet on one file each worker holds an overlap and a
 * conflict alert per peer, 20 KB of the 25 KB of its entry, and formatting them again every pass was most of a pass.
 */
function workerText(entry: WorkerStatus, indent: string): string {
  const known = texts.get(entry);
  if (known?.indent === indent) return known.text;
  // The entry's own `alerts` field: a JSON string holds no raw newline, so only the entry's key starts a line this way.
  const json = JSON.stringify({ ...entry, alerts: 0 }, null, 2);
  const at = json.indexOf(ALERTS_FIELD);
  if (at === -1) return itemText(entry, indent);
  const end = at + ALERTS_FIELD.length;
  const text = `${indented(json.slice(0, end - 1), indent)}${alertsText(entry.alerts, `${indent}  `)}${indented(json.slice(end), indent)}`;
  texts.set(entry, { indent, text });
  return text;
}

const ALERTS_FIELD = '\n  "alerts": 0';

function alertsText(alerts: WorkerStatus['alerts'], indent: string): string {
  const known = texts.get(alerts);
  if (known?.indent === indent) return known.text;
  const text = indented(JSON.stringify(alerts, null, 2), indent);
  texts.set(alerts, { indent, text });
  return text;
}

/** JSON strings hold no raw newline, so each newline in JSON text starts a line to indent. */
function indented(json: string, indent: string): string {
  return json.replaceAll('\n', `\n${indent}`);
}

const texts = new WeakMap<object, { indent: string; text: string }>();
