import type { PresetName } from '../domain/model/config-types.js';
import type { ApiFailure } from '../domain/model/words.js';
import { failureDetail, kindOfText } from './api-errors.js';
import { stateFromRows, type HookState } from './hook-rows.js';
import { PRESETS, presetFor } from './index.js';
import type { HookRow } from './signals.js';

export type { HookState } from './hook-rows.js';

/** Hook event names do not clash between agents (Notification rows differ by type), so one lookup serves all. */
const ALL_ROWS: readonly HookRow[] = Object.values(PRESETS).flatMap((preset) => preset.signals.hooks);

/**
 * Maps a hook event (Claude Code and Gemini CLI pass the event JSON on stdin; Codex `notify` passes it as the last
 * argument) to a reported state through the presets' signal tables. Pure: `czar report --hook` reads and writes.
 */
export function stateForHook(event: string, payload: unknown): HookState | undefined {
  return stateFromRows(ALL_ROWS, event, payload);
}

/** The API failure the last lines of a screen show, by the preset's error screens; undefined when none shows. */
export function apiFailureOnScreen(preset: PresetName, screen: string): ApiFailure | undefined {
  const tail = screen
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-SCREEN_TAIL_LINES)
    .join('\n');
  for (const row of presetFor(preset).signals.apiErrorScreens) {
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
