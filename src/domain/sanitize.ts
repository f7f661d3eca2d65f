/**
 * Makes text safe to paste into a terminal program. A bracketed paste ends at the first `ESC[201~`, so an ESC
 * inside a task could end it early and turn the rest into keystrokes; a CR is a submit key to most TUIs; 8-bit C1
 * codes (0x9b is a one-byte CSI) act like ESC sequences in some terminals.
 *
 * CRLF and lone CR become LF; TAB and LF stay. Every other C0 control and DEL becomes its Unicode control picture
 * (ESC → ␛ U+241B, NUL → ␀, DEL → ␡). C1 has no pictures of its own, so each is written as its 7-bit equivalent
 * with a pictured ESC (0x9b → `␛[`). Everything else (quotes, `$(...)`, any UTF-8) passes unchanged.
 */
export function neutraliseControls(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROLS, picture);
}

// C0 except TAB (0x09) and LF (0x0a), DEL, and C1.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

const ESC_PICTURE = '\u241b';

function picture(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return ESC_PICTURE + String.fromCharCode(code - 0x40);
}
