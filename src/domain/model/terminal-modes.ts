/**
 * The bracketed paste mode a program last set in its output (`ESC [ ? 2004 h` on, `ESC [ ? 2004 l` off, also inside
 * a combined list such as `ESC [ ? 1049 ; 2004 h`), or undefined when this output does not set it. tmux 3.3a keeps
 * the flag to itself (no format shows it), so czar reads it from the pane's logged output.
 */
export function lastBracketedPasteMode(output: string): 'on' | 'off' | undefined {
  let mode: 'on' | 'off' | undefined;
  for (const match of output.matchAll(PRIVATE_MODE)) {
    if ((match[1] ?? '').split(';').includes('2004')) mode = match[2] === 'h' ? 'on' : 'off';
  }
  return mode;
}

// eslint-disable-next-line no-control-regex
const PRIVATE_MODE = /\x1b\[\?([\d;]*)([hl])/g;

/** Longest tail of a chunk that may be the start of a mode sequence cut by a read boundary. */
export const MODE_SEQUENCE_CARRY = 32;
