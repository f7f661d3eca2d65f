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
