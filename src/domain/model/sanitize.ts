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

/**
 * Program output placed in a paste as a Markdown code block whose fence is longer than any run of backticks inside,
 * so the output cannot close the block early and have its remaining lines read as the message's own.
 */
export function fenced(text: string): string {
  const safe = neutraliseControls(text);
  const longest = Math.max(0, ...(safe.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}\n${safe}\n${fence}`;
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

// Every C0 control (TAB and LF included), DEL and C1.
// eslint-disable-next-line no-control-regex
const ALL_CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;

/**
 * Makes worker-written text (notes, titles, result paths, pane lines, messages quoting them) safe to show a person:
 * every control character becomes a visible symbol, so the text cannot move the cursor, set the window title (OSC),
 * ring the bell or overwrite a line with CR. LF and TAB are pictured too, so one field stays on one line.
 */
export function visible(text: string): string {
  return text.replace(ALL_CONTROLS, picture);
}

/** `visible` for text czar prints as whole lines: LF and TAB keep their meaning, every other control is pictured. */
export function visibleLines(text: string): string {
  // Most text has no control but LF and TAB: one scan instead of a split per line and tab (400 KB of status JSON).
  if (text.search(CONTROLS) === -1) return text;
  return text
    .split('\n')
    .map((line) => line.split('\t').map(visible).join('\t'))
    .join('\n');
}

// Results per object already seen: a store snapshot shares every part that did not change with the one before, so
// only what changed is walked again (a 100-worker snapshot took 10 ms to walk whole).
const visibleObjects = new WeakMap<object, unknown>();

/**
 * `visible` applied to every string inside a value (objects, arrays), returning the same object where nothing
 * changed, so a store snapshot keeps its identity when it holds no control characters. Values are treated as
 * immutable, as snapshots are.
 */
export function visibleStrings<T>(value: T): T {
  if (typeof value === 'string') return visible(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  const known = visibleObjects.get(value);
  if (known !== undefined) return known as T;
  let result: unknown = value;
  if (Array.isArray(value)) {
    const mapped = value.map((item: unknown) => visibleStrings(item));
    if (mapped.some((item, index) => item !== value[index])) result = mapped;
  } else {
    const entries = Object.entries(value).map(([key, item]) => [key, visibleStrings(item)] as const);
    if (entries.some(([key, item]) => item !== (value as Record<string, unknown>)[key]))
      result = Object.fromEntries(entries);
  }
  visibleObjects.set(value, result);
  return result as T;
}
