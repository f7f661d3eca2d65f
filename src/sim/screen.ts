import { sameItems } from '../domain/model/same-items.js';

/** The sliver of a terminal the screen writes to (process.stdout in the agent). */
export interface Terminal {
  write(data: string): unknown;
  readonly columns?: number | undefined;
}

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
const ORANGE = '\x1b[38;5;173m';
const RED = '\x1b[31m';
const BOLD = '\x1b[1m';

export const BRACKETED_PASTE_ON = '\x1b[?2004h';
export const BRACKETED_PASTE_OFF = '\x1b[?2004l';
export const HIDE_CURSOR = '\x1b[?25l';
export const SHOW_CURSOR = '\x1b[?25h';

/** Claude Code's spinner glyphs. */
const SPINNER = ['·', '✢', '✳', '✶', '✻', '✽', '✻', '✶', '✳', '✢'];

/**
 * A transcript that scrolls (printed once) above a small live region redrawn in place: the way Ink-based agent
 * TUIs draw. The live region never wraps (lines are cut to the width), so erasing it is "up N rows, clear below".
 */
export class Screen {
  private live: readonly string[] = [];

  constructor(private readonly out: Terminal) {}

  /** Usable width: one column short of the terminal so no line wraps into the next row. */
  get width(): number {
    return Math.max(20, (this.out.columns ?? 80) - 1);
  }

  /** Prints lines above the live region; they scroll away with the transcript. */
  print(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.out.write(this.erase() + lines.map((line) => `${line}\r\n`).join('') + this.draw(this.live));
  }

  /** Replaces the live region; writes nothing when it did not change (no redraw spam). */
  setLive(lines: readonly string[]): void {
    if (sameItems(lines, this.live)) return;
    this.out.write(this.erase() + this.draw(lines));
    this.live = lines;
  }

  /** Redraws the live region after a resize. */
  refresh(): void {
    this.out.write(this.erase() + this.draw(this.live));
  }

  raw(sequence: string): void {
    this.out.write(sequence);
  }

  private erase(): string {
    const rows = this.live.length;
    if (rows === 0) return '';
    return `\r${rows > 1 ? `\x1b[${rows - 1}A` : ''}\x1b[J`;
  }

  private draw(lines: readonly string[]): string {
    return lines.join('\r\n');
  }
}

export function renderBanner(worker: string, cwd: string, width: number): string[] {
  return [
    `${ORANGE}✻${RESET} ${BOLD}czar sim agent${RESET}${DIM} · simulated coding agent · worker ${worker}${RESET}`,
    `${DIM}  ${fit(cwd, width - 2)}${RESET}`,
    '',
  ];
}

export function renderBooting(frame: number): string[] {
  return [`${DIM}${SPINNER[frame % SPINNER.length] ?? '·'} Starting…${RESET}`];
}

/** The input box: `│ › text`, showing the tail of long input the way a composer scrolls. */
export function renderInputBox(text: string, hint: string, width: number): string[] {
  const inner = width - 2;
  const shown = tail(text, inner - 3);
  const line = `› ${shown}`;
  return [
    `${DIM}╭${'─'.repeat(inner)}╮${RESET}`,
    `${DIM}│${RESET} ${line}${' '.repeat(Math.max(0, inner - 1 - displayWidth(line)))}${DIM}│${RESET}`,
    `${DIM}╰${'─'.repeat(inner)}╯${RESET}`,
    `${DIM}  ${fit(hint, width - 2)}${RESET}`,
  ];
}

/** The busy line above the input box; `esc to interrupt` is what presets look for. */
export function renderBusyLine(frame: number, verb: string, seconds: number, width: number): string {
  const glyph = SPINNER[frame % SPINNER.length] ?? '·';
  // Claude Code shows a token counter that keeps climbing; ~40 tokens a second looks about right.
  const tokens = seconds * 40 + (frame % 7);
  const count = tokens >= 1000 ? `${(tokens / 1000).toFixed(1)}k` : String(tokens);
  const text = fit(`${verb}… (${seconds}s · ↑ ${count} tokens · esc to interrupt)`, width - 2);
  return `${ORANGE}${glyph}${RESET} ${text}`;
}

/** Claude Code's first-run folder trust question; `selected` is 0 for Yes, 1 for No. */
export function renderTrustDialog(cwd: string, selected: 0 | 1, width: number): string[] {
  const inner = Math.min(width, 100) - 2;
  const row = (text: string): string =>
    `${ORANGE}│${RESET} ${fit(text, inner - 2)}${' '.repeat(Math.max(0, inner - 2 - displayWidth(fit(text, inner - 2))))} ${ORANGE}│${RESET}`;
  const choice = (index: 0 | 1, label: string): string => (selected === index ? `❯ ${label}` : `  ${label}`);
  return [
    `${ORANGE}╭${'─'.repeat(inner)}╮${RESET}`,
    row('Do you trust the files in this folder?'),
    row(''),
    row(cwd),
    row(''),
    row('The sim agent may read, write and commit files in this folder.'),
    row(''),
    row(choice(0, '1. Yes, proceed')),
    row(choice(1, '2. No, exit')),
    `${ORANGE}╰${'─'.repeat(inner)}╯${RESET}`,
    `${DIM}   Enter to confirm · Esc to exit${RESET}`,
  ];
}

/** A permission question; `(y/n)` is what presets look for. */
export function renderAsk(question: string, width: number): string[] {
  return [
    `${ORANGE}⏺${RESET} ${fit(`${question} (y/n)`, width - 2)}`,
    '',
    `  ${BOLD}Do you want to proceed?${RESET}`,
    '  ❯ y. Yes',
    '    n. No',
  ];
}

/** A step in the transcript: `⏺ Tool(arg)` then `  ⎿  outcome`. */
export function renderStep(title: string, outcome: string, width: number): string[] {
  return [`${ORANGE}⏺${RESET} ${fit(title, width - 2)}`, `${DIM}  ⎿  ${fit(outcome, width - 5)}${RESET}`];
}

export function renderError(message: string, width: number): string {
  return `${RED}⏺ ${fit(message, width - 2)}${RESET}`;
}

export function renderNote(message: string, width: number): string {
  return `${DIM}  ${fit(message, width - 2)}${RESET}`;
}

/** Columns a string takes: wide (CJK, emoji) code points count 2, combining marks and joiners 0. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char.codePointAt(0) ?? 0);
  return width;
}

/** Cuts text to `width` columns with an ellipsis. */
export function fit(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = charWidth(char.codePointAt(0) ?? 0);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}…`;
}

/** Keeps the last `width` columns, with a leading ellipsis when cut. */
export function tail(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  const chars = Array.from(text);
  let out = '';
  let used = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const char = chars[i] ?? '';
    const w = charWidth(char.codePointAt(0) ?? 0);
    if (used + w > width - 1) break;
    out = char + out;
    used += w;
  }
  return `…${out}`;
}

function charWidth(code: number): number {
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0;
  if ((code >= 0x300 && code <= 0x36f) || code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f)) return 0;
  const wide =
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd);
  return wide ? 2 : 1;
}
