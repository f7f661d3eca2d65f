// The tmux control-mode protocol (tmux 3.3a, `tmux -C`): command replies framed by %begin/%end/%error, and
// notifications between them.

/** One command's reply: its output lines, and whether tmux framed it with %error. */
export interface ControlReply {
  readonly lines: readonly string[];
  readonly failed: boolean;
  /** Flag 1: a command this client sent. The attach command of the client's own argv has 0. */
  readonly ours: boolean;
}

/** A line tmux sent outside any reply: `%output` carries the pane's bytes, decoded; others are kept as words. */
export type ControlNotice =
  | { readonly kind: 'output'; readonly paneId: string; readonly data: Buffer }
  | { readonly kind: 'exit'; readonly reason: string }
  | { readonly kind: 'other'; readonly name: string; readonly words: readonly string[] };

interface OpenBlock {
  /** `<time> <number> <flags>`: the closing line must repeat it, so pane text inside a reply cannot end it. */
  readonly guard: string;
  readonly ours: boolean;
  readonly lines: string[];
}

/**
 * Reads control-mode lines one at a time. Everything inside a %begin block is output, including lines that look like
 * notifications or a closing line with another command's numbers: only `%end`/`%error` with the block's own time,
 * number and flags closes it.
 */
export class ControlParser {
  private block: OpenBlock | undefined;

  constructor(
    private readonly onReply: (reply: ControlReply) => void,
    private readonly onNotice: (notice: ControlNotice) => void,
  ) {}

  line(text: string): void {
    if (this.block !== undefined) {
      const { guard, ours, lines } = this.block;
      if (text === `%end ${guard}` || text === `%error ${guard}`) {
        this.block = undefined;
        this.onReply({ lines, failed: text.startsWith('%error'), ours });
      } else lines.push(text);
      return;
    }
    const begin = /^%begin (\d+ \d+ (\d+))$/.exec(text);
    if (begin !== null) {
      this.block = { guard: begin[1] ?? '', ours: (Number(begin[2]) & 1) === 1, lines: [] };
      return;
    }
    const notice = parseNotice(text);
    if (notice !== undefined) this.onNotice(notice);
  }
}

function parseNotice(text: string): ControlNotice | undefined {
  if (!text.startsWith('%')) return undefined;
  const output = /^%output (%\d+) (.*)$/s.exec(text);
  if (output !== null) return { kind: 'output', paneId: output[1] ?? '', data: decodeOctal(output[2] ?? '') };
  if (text === '%exit' || text.startsWith('%exit ')) return { kind: 'exit', reason: text.slice(6) };
  const [name = '', ...words] = text.slice(1).split(' ');
  return { kind: 'other', name, words };
}

/** `%output` escapes bytes below 0x20 and `\` as three octal digits (`\015`, `\134`); everything else is raw. */
export function decodeOctal(text: string): Buffer {
  const raw = Buffer.from(text, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] ?? 0;
    const digits = raw.subarray(i + 1, i + 4).toString('latin1');
    if (byte === 0x5c && /^[0-7]{3}$/.test(digits)) {
      bytes.push(parseInt(digits, 8) & 0xff);
      i += 3;
    } else bytes.push(byte);
  }
  return Buffer.from(bytes);
}

/**
 * One command for a control client's stdin: each argument double-quoted, so it is one word whatever it holds.
 * Inside double quotes tmux expands `$` and a leading `~`, reads `\` as an escape, and a newline would end the command: those,
 * `"` and control characters are escaped (octal for the controls, which tmux 3.3a decodes in quoted strings).
 */
export function controlCommandLine(commands: readonly (readonly string[])[]): string {
  return commands.map((command) => command.map(quoteWord).join(' ')).join(' ; ');
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const CONTROL_CHARS = /[\x00-\x1f\x7f]/g;

function quoteWord(word: string): string {
  const escaped = word.replace(/[\\"$~]/g, '\\$&').replace(CONTROL_CHARS, (char) => {
    return `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`;
  });
  return `"${escaped}"`;
}
