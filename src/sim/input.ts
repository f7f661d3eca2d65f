/** One thing the person (or czar) did at the keyboard, as the simulated agent sees it. */
export type InputEvent =
  | { readonly type: 'text'; readonly bytes: Buffer }
  | { readonly type: 'paste-start' }
  /** The whole bracketed paste, markers removed, byte for byte. */
  | { readonly type: 'paste'; readonly bytes: Buffer }
  | { readonly type: 'enter' }
  | { readonly type: 'backspace' }
  | { readonly type: 'ctrl-c' }
  | { readonly type: 'ctrl-d' }
  | { readonly type: 'escape' }
  | { readonly type: 'up' }
  | { readonly type: 'down' }
  | { readonly type: 'left' }
  | { readonly type: 'right' };

/** Turns raw tty reads into input events; keeps whatever a read cut in half for the next one. */
export interface InputParser {
  push(chunk: Buffer): InputEvent[];
  /** Called when no more bytes came for a while: a lone ESC left pending was the Escape key after all. */
  flush(): InputEvent[];
}

export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

const ARROWS: Readonly<Record<string, InputEvent['type']>> = { A: 'up', B: 'down', C: 'right', D: 'left' };

/**
 * Bytes are handled as latin1 strings (one char per byte) so a UTF-8 character or a paste marker split across
 * reads is reassembled exactly, and a paste keeps its bytes even if they are not valid UTF-8.
 */
export function createInputParser(): InputParser {
  let pending = '';
  let paste: string[] | undefined;

  function push(chunk: Buffer): InputEvent[] {
    const events: InputEvent[] = [];
    const s = pending + chunk.toString('latin1');
    pending = '';
    let i = 0;
    while (i < s.length) {
      if (paste !== undefined) {
        const end = s.indexOf(PASTE_END, i);
        if (end >= 0) {
          paste.push(s.slice(i, end));
          events.push({ type: 'paste', bytes: Buffer.from(paste.join(''), 'latin1') });
          paste = undefined;
          i = end + PASTE_END.length;
          continue;
        }
        // Only the tail can be the start of an end marker cut by the read; everything before it is content.
        const keep = partialSuffix(s, i, PASTE_END);
        paste.push(s.slice(i, s.length - keep));
        pending = s.slice(s.length - keep);
        break;
      }
      const c = s.charCodeAt(i);
      if (c === 0x1b) {
        const sequence = escapeSequence(s, i);
        if (sequence === 'incomplete') {
          pending = s.slice(i);
          break;
        }
        i += sequence.length;
        if (sequence.text === PASTE_START) {
          paste = [];
          events.push({ type: 'paste-start' });
        } else if (sequence.event !== undefined) {
          events.push({ type: sequence.event } as InputEvent);
        }
        continue;
      }
      if (c < 0x20 || c === 0x7f) {
        const event = controlEvent(c);
        if (event !== undefined) events.push(event);
        i++;
        continue;
      }
      let j = i + 1;
      while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) !== 0x7f) j++;
      events.push({ type: 'text', bytes: Buffer.from(s.slice(i, j), 'latin1') });
      i = j;
    }
    return events;
  }

  function flush(): InputEvent[] {
    if (paste !== undefined || pending === '') return [];
    const leftover = pending;
    pending = '';
    // A lone ESC (or ESC plus an unfinished sequence) that nothing completed: report Escape, drop the rest.
    return leftover.startsWith('\x1b') ? [{ type: 'escape' }] : [];
  }

  return { push, flush };
}

function controlEvent(code: number): InputEvent | undefined {
  switch (code) {
    case 0x0d:
      return { type: 'enter' };
    // Ctrl-J: a newline typed into the input, as in Claude Code's composer.
    case 0x0a:
      return { type: 'text', bytes: Buffer.from('\n') };
    case 0x09:
      return { type: 'text', bytes: Buffer.from('\t') };
    case 0x7f:
    case 0x08:
      return { type: 'backspace' };
    case 0x03:
      return { type: 'ctrl-c' };
    case 0x04:
      return { type: 'ctrl-d' };
    default:
      return undefined;
  }
}

type Sequence = { length: number; text: string; event: InputEvent['type'] | undefined };

/** Reads the escape sequence starting at `i`: CSI (`ESC [ ... final`), SS3 (`ESC O x`), or a lone ESC. */
function escapeSequence(s: string, i: number): Sequence | 'incomplete' {
  if (i + 1 >= s.length) return 'incomplete';
  const kind = s[i + 1];
  if (kind === 'O') {
    if (i + 2 >= s.length) return 'incomplete';
    const key = s[i + 2] ?? '';
    return { length: 3, text: s.slice(i, i + 3), event: ARROWS[key] };
  }
  if (kind !== '[') return { length: 1, text: '\x1b', event: 'escape' };
  let j = i + 2;
  // Parameter and intermediate bytes, then one final byte in 0x40..0x7e.
  while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x3f) j++;
  if (j >= s.length) return 'incomplete';
  const final = s.charCodeAt(j);
  if (final < 0x40 || final > 0x7e) return { length: 1, text: '\x1b', event: 'escape' };
  const text = s.slice(i, j + 1);
  return { length: text.length, text, event: text.length === 3 ? ARROWS[s[j] ?? ''] : undefined };
}

/** Length of the longest suffix of `s` (from `from`) that is a proper prefix of `marker`. */
function partialSuffix(s: string, from: number, marker: string): number {
  for (let n = Math.min(marker.length - 1, s.length - from); n > 0; n--) {
    if (s.endsWith(marker.slice(0, n))) return n;
  }
  return 0;
}
