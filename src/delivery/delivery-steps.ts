import type { AgentPreset, Dialog } from '../agents/preset.js';

/**
 * The pure steps of a delivery: what a screen means before the paste, whether the paste landed and whether Enter
 * took, and how long each wait may be on this machine. `delivery.ts` is the shell that drives them.
 */

/**
 * A paste shows in the input box within this time on an idle machine, or it did not land. The wait grows with the
 * load and with how long the agent took to get ready (see `pasteLandMs`).
 */
const PASTE_LAND_MS = 5_000;
/**
 * How much longer than on an idle machine the agent's screens may take: the one-minute load per core, from 1 (idle
 * or light) up to 4. Two agents starting on a busy 2-core machine took well over the idle waits (measured).
 */
export function loadScale(loadPerCore: number): number {
  return Math.min(4, Math.max(1, Number.isFinite(loadPerCore) ? loadPerCore : 1));
}

/** The wait for a paste to show: PASTE_LAND_MS scaled by load, and never less than the agent took to get ready. */
export function pasteLandMs(scale: number, readyTookMs: number): number {
  return Math.max(PASTE_LAND_MS * scale, Math.min(readyTookMs, 60_000));
}

/** What a screen means before pasting. */
export type ReadyStep =
  | { readonly kind: 'fatal'; readonly message: string }
  | { readonly kind: 'dialog'; readonly dialog: Dialog }
  | { readonly kind: 'ready' }
  | { readonly kind: 'wait' };

/**
 * Dialogs come first (Gemini's auth chooser is a dialog when a key is set and fatal otherwise), then fatal screens,
 * then readiness. Without `answerDialogs` a dialog is just something to wait out, and so is one already `answered`
 * while it is still drawn.
 */
export function readyStep(
  preset: AgentPreset,
  screen: string,
  answerDialogs: boolean,
  answered: readonly Dialog[] = [],
): ReadyStep {
  const dialog = shownDialog(preset, screen);
  if (dialog !== undefined) return answerDialogs ? { kind: 'dialog', dialog } : { kind: 'wait' };
  const fatal = preset.fatal.find((candidate) => candidate.match.test(screen));
  if (fatal !== undefined) return { kind: 'fatal', message: fatal.message };
  if (answered.some((candidate) => drawnLast(preset, candidate.shown ?? candidate.match, screen)))
    return { kind: 'wait' };
  return preset.isReady(screen) ? { kind: 'ready' } : { kind: 'wait' };
}

/** The preset's dialog on screen now, if any (see `drawnLast`). */
export function shownDialog(preset: AgentPreset, screen: string): Dialog | undefined {
  return preset.dialogs.find((candidate) => drawnLast(preset, candidate.match, screen));
}

/**
 * What `dialog` draws: the screen from the start of its last match on. An agent may keep drawing above a dialog that
 * waits for its answer (GitHub Copilot CLI 1.0 its animated logo and start-up lines, measured), so this, not the
 * whole screen, says whether the dialog itself moved.
 */
export function dialogDrawing(dialog: Dialog, screen: string): string {
  const flags = dialog.match.flags.includes('g') ? dialog.match.flags : `${dialog.match.flags}g`;
  let start: number | undefined;
  for (const match of screen.matchAll(new RegExp(dialog.match.source, flags))) start = match.index;
  return start === undefined ? '' : screen.slice(start);
}

/**
 * Whether `pattern` is on screen as the last thing drawn: no ready input box below its last match. An agent that
 * restarts after a dialog's answer draws itself again below the old dialog, which stays on screen (Gemini CLI 0.61
 * after "Trust folder", measured): the box below is what is shown now.
 */
function drawnLast(preset: AgentPreset, pattern: RegExp, screen: string): boolean {
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
  let end: number | undefined;
  for (const match of screen.matchAll(new RegExp(pattern.source, flags))) end = match.index + match[0].length;
  return end !== undefined && !preset.isReady(screen.slice(end));
}

/**
 * The screen's last drawn line, and when that line closes a box (a dialog), the box's first line too: a box's bottom
 * edge alone does not say which dialog it is. Each at most 80 characters, trimmed.
 */
export function lastDrawn(screen: string): string {
  const lines = screen
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const last = lines.at(-1);
  if (last === undefined) return 'the screen was empty';
  const said = `the last line was "${last.slice(0, 80)}"`;
  if (!last.startsWith('╰')) return said;
  const top = lines.findLastIndex((line) => /^╭─{3,}/.test(line));
  const title = top < 0 ? undefined : lines[top + 1]?.replace(/^│\s*|[\s│┃]*$/g, '');
  return title === undefined || title === '' ? said : `${said}, closing a box that begins "${title.slice(0, 80)}"`;
}

/**
 * How many characters to take out of the input box before the paste: all of them when the box holds only keys czar
 * typed as dialog answers (one sent again while the agent was too busy to redraw reaches its input box once the
 * dialog is gone), else none, since anything else there is not czar's to delete.
 */
export function strayAnswerKeys(input: string | undefined, answered: readonly Dialog[]): number {
  if (input === undefined || input === '') return 0;
  const typed = new Set(answered.flatMap((dialog) => dialog.keys.filter((key) => [...key].length === 1)));
  const chars = [...input];
  return chars.every((char) => typed.has(char)) ? chars.length : 0;
}

/** Short pieces of the pasted text that a TUI shows when the paste is in its input box. */
export interface PasteMarkers {
  readonly head: string;
  readonly tail: string;
}

const MARKER_CHARS = 24;

export function pasteMarkers(text: string): PasteMarkers {
  const lines = text
    .split('\n')
    .map(squash)
    .filter((line) => line !== '');
  return { head: (lines[0] ?? '').slice(0, MARKER_CHARS), tail: (lines.at(-1) ?? '').slice(-MARKER_CHARS) };
}

/**
 * Claude Code shows a long paste as `[Pasted text #N +M lines]`, Gemini CLI as `[Pasted Text: N lines]`, Codex
 * 0.169 and Qwen Code as `[Pasted Content N chars]`, pi as `[paste #1 +M lines]`, OpenCode as `[Pasted ~N lines]`.
 */
export function showsPaste(text: string, markers: PasteMarkers): boolean {
  if (/\[Pasted (?:text|content|~)|\[paste #\d/i.test(text)) return true;
  const flat = text.split('\n').map(squash).join(' ');
  return (markers.head !== '' && flat.includes(markers.head)) || (markers.tail !== '' && flat.includes(markers.tail));
}

/** Did the paste land? Read the input box where the preset can; otherwise the screen must change and show it. */
export function pasteLanded(preset: AgentPreset, screen: string, before: string, markers: PasteMarkers): boolean {
  const input = preset.inputText?.(screen);
  if (input !== undefined) return showsPaste(input, markers);
  return screen !== before && showsPaste(screen, markers);
}

export type SubmitStep = 'submitted' | 'in-input' | 'unknown';

/**
 * After Enter: the text still in the input box means Enter was dropped (checked first, since an agent may be busy
 * with an earlier turn); a busy or waiting screen, or the text gone from the input box, means it took. A preset
 * that cannot read its input box falls back to "the screen changed since just before Enter".
 */
export function submitStep(
  preset: AgentPreset,
  screen: string,
  beforeEnter: string,
  markers: PasteMarkers,
): SubmitStep {
  const input = preset.inputText?.(screen);
  if (input !== undefined && showsPaste(input, markers)) return 'in-input';
  if (preset.isBusy(screen) || preset.isWaiting(screen) || input !== undefined) return 'submitted';
  return screen !== beforeEnter ? 'submitted' : 'unknown';
}

function squash(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}
