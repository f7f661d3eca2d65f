/** Small pure helpers for reading TUI screens captured with `capture-pane -p -J`. */

/** Lines with trailing padding removed (tmux pads captured lines to the pane width). */
export function screenLines(screen: string): string[] {
  return screen.split('\n').map((line) => line.trimEnd());
}

/** A full-width horizontal rule as Claude Code and Gemini CLI draw around their input box. */
export function isRule(line: string): boolean {
  return /^\s*─{20,}\s*$/.test(line);
}

/** Index of the last line for which `test` holds, or -1. */
export function lastIndex(lines: readonly string[], test: (line: string) => boolean, before = lines.length): number {
  for (let index = Math.min(before, lines.length) - 1; index >= 0; index -= 1) {
    if (test(lines[index] ?? '')) return index;
  }
  return -1;
}

/** The last non-blank line, or ''. */
export function lastNonBlank(lines: readonly string[]): string {
  const index = lastIndex(lines, (line) => line.trim() !== '');
  return index < 0 ? '' : (lines[index] ?? '');
}

/** An input box drawn as a prompt mark on the first line between the last two full-width rules, and where it lies. */
export interface RuledBox {
  readonly lines: readonly string[];
  /** Indexes of the rule over the box and the rule under it. */
  readonly top: number;
  readonly bottom: number;
  /** What the box holds ('' when empty), the mark and the continuation lines' indent taken off. */
  readonly text: string;
}

/** The box whose first line starts with `mark` between the last two rules (Copilot's `❯`, Auggie's `›`), if drawn. */
export function ruledBox(screen: string, mark: string): RuledBox | undefined {
  const lines = screenLines(screen);
  const bottom = lastIndex(lines, isRule);
  const top = lastIndex(lines, isRule, bottom);
  if (top < 0 || !(lines[top + 1] ?? '').startsWith(mark)) return undefined;
  const text = lines
    .slice(top + 1, bottom)
    .map((line, index) => (index === 0 ? line.slice(mark.length).replace(/^\s/, '') : line.replace(/^ {2}/, '')))
    .join('\n')
    .trim();
  return { lines, top, bottom, text };
}
