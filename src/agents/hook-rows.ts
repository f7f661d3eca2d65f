import type { ReportedState, ApiFailure } from '../domain/model/words.js';
import type { HookRow } from './signals.js';

/** What one agent hook event says about the worker; undefined when it says nothing worth recording. */
export interface HookState {
  readonly state: ReportedState;
  readonly note?: string;
  /** The event marks the end of a turn: it must not undo a done the turn reported (see `mergeReport`). */
  readonly turnEnd?: true;
  /** The turn ended because the model calls failed. */
  readonly failure?: ApiFailure;
}

/** What a hook event says by these rows: the first whose event (and matched field) fits. */
export function stateFromRows(rows: readonly HookRow[], event: string, payload: unknown): HookState | undefined {
  const fields = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const row = rows.find(
    (candidate) =>
      candidate.event === event &&
      (candidate.match === undefined || candidate.match.values.includes(field(fields, candidate.match.field))),
  );
  if (row?.state === undefined) return undefined;
  return {
    state: row.state,
    ...(row.note === undefined ? {} : { note: noteOf(row.note, fields) }),
    ...(row.turnEnd === undefined ? {} : { turnEnd: true }),
    ...(row.failure === undefined ? {} : { failure: row.failure(fields) }),
  };
}

function field(payload: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = payload[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return undefined;
}

/** Notes go into a report capped at 2000 characters; keep them to one short line. */
function noteOf(spec: NonNullable<HookRow['note']>, payload: Readonly<Record<string, unknown>>): string {
  const prefix =
    (spec.prefixField === undefined ? undefined : field(payload, spec.prefixField)?.replaceAll('_', ' ')) ??
    spec.prefix;
  const detail = spec.fields
    .map((key) => field(payload, key))
    .find((value) => value !== undefined && value.trim() !== '');
  const text = detail === undefined ? prefix : `${prefix}: ${detail.trim().replace(/\s+/g, ' ')}`;
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}
