import type { PresetName } from '../domain/config-types.js';
import type { ApiFailure, ReportedState } from '../domain/words.js';
import { failureDetail, kindOfText } from './api-errors.js';
import { CLAUDE_SIGNALS } from './claude-signals.js';
import { CODEX_SIGNALS } from './codex-signals.js';
import { GEMINI_SIGNALS } from './gemini-signals.js';
import { PI_SIGNALS } from './pi-signals.js';
import type { HookRow, SignalTable } from './signals.js';
import { SIM_SIGNALS } from './sim-signals.js';

/** Every preset's signal table; a program czar knows nothing about has none. */
export const SIGNALS: Readonly<Record<PresetName, SignalTable>> = {
  claude: CLAUDE_SIGNALS,
  codex: CODEX_SIGNALS,
  gemini: GEMINI_SIGNALS,
  // Qwen Code 0.24 sends Claude Code's events with the same payload fields, so Claude's rows read them.
  qwen: { preset: 'qwen', hooks: [], apiErrorScreens: [] },
  pi: PI_SIGNALS,
  sim: SIM_SIGNALS,
  aider: { preset: 'aider', hooks: [], apiErrorScreens: [] },
  shell: { preset: 'shell', hooks: [], apiErrorScreens: [] },
};

/** What one agent hook event says about the worker; undefined when it says nothing worth recording. */
export interface HookState {
  readonly state: ReportedState;
  readonly note?: string;
  /** The event marks the end of a turn: it must not undo a done the turn reported (see `mergeReport`). */
  readonly turnEnd?: true;
  /** The turn ended because the model calls failed. */
  readonly failure?: ApiFailure;
}

/** Hook event names do not clash between agents (Notification rows differ by type), so one lookup serves all. */
const ALL_ROWS: readonly HookRow[] = Object.values(SIGNALS).flatMap((table) => table.hooks);

/**
 * Maps a hook event (Claude Code and Gemini CLI pass the event JSON on stdin; Codex `notify` passes it as the last
 * argument) to a reported state through the presets' signal tables. Pure: `czar report --hook` reads and writes.
 */
export function stateForHook(event: string, payload: unknown): HookState | undefined {
  const fields = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const row = ALL_ROWS.find(
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

/** The API failure the last lines of a screen show, by the preset's error screens; undefined when none shows. */
export function apiFailureOnScreen(preset: PresetName, screen: string): ApiFailure | undefined {
  const tail = screen
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-SCREEN_TAIL_LINES)
    .join('\n');
  for (const row of SIGNALS[preset].apiErrorScreens) {
    const line = row.match.exec(tail)?.[1];
    if (line !== undefined) return { kind: kindOfText(line) ?? 'unknown', detail: failureDetail(line) };
  }
  return undefined;
}

/**
 * An error line counts only near the input box: once the agent works again its output pushes the line up, and an
 * old failure in the scrollback must not mark a working agent failed.
 */
const SCREEN_TAIL_LINES = 12;
