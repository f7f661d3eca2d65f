import type { ApiFailure, ReportedState } from '../domain/model/words.js';

/**
 * What an agent's signals mean to czar, as one table per preset (`<preset>/signals.ts`): each hook or notify event
 * and each screen text that says something on its own. The pane's exit is read the same way for every agent
 * (`classify`: exit 0 after a done report is done, any other exit a crash), so it has no rows here.
 */
export interface HookRow {
  /** The event name as passed to `czar report --hook <event>`. */
  readonly event: string;
  /**
   * Where one event carries several kinds (Notification): the payload field and the values this row takes
   * (`undefined` among them takes a payload without the field).
   */
  readonly match?: { readonly field: string; readonly values: readonly (string | undefined)[] };
  /** The reported state; undefined when the event says nothing worth recording (SessionEnd: tmux tells exits). */
  readonly state: ReportedState | undefined;
  /** The event ends a turn: it must not undo a done the turn reported (`mergeReport`). */
  readonly turnEnd?: true;
  /**
   * The note: a prefix (or, with `prefixField`, that payload field's value, `_` read as spaces) and the payload
   * fields whose first present value follows it.
   */
  readonly note?: { readonly prefix: string; readonly prefixField?: string; readonly fields: readonly string[] };
  /** The event reports failed model calls: how to read the failure from the payload. */
  readonly failure?: (payload: Readonly<Record<string, unknown>>) => ApiFailure;
}

/** A screen text that means the agent's model calls failed; group 1 of `match` is the agent's own error text. */
export interface ApiErrorScreen {
  readonly id: string;
  readonly match: RegExp;
}

export interface Signals {
  readonly hooks: readonly HookRow[];
  /** Fallback when no hook says so (Codex and Gemini CLI report no failure): the error line on screen. */
  readonly apiErrorScreens: readonly ApiErrorScreen[];
}

/** An agent whose events, if any, another preset's rows read, and whose error line is not read. */
export const NO_SIGNALS: Signals = { hooks: [], apiErrorScreens: [] };
