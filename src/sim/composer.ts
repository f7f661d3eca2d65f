/** A run of the input: typed bytes, or one bracketed paste kept whole (and shown as a placeholder when long). */
export type Segment =
  | { readonly kind: 'typed'; readonly bytes: Buffer }
  | { readonly kind: 'paste'; readonly bytes: Buffer; readonly id: number };

/** The text being composed in the input box; immutable, so each edit is a plain function. */
export interface Composer {
  readonly segments: readonly Segment[];
  /** Pastes seen so far, for `[Pasted text #N ...]` numbering like Claude Code. */
  readonly pastes: number;
}

export const emptyComposer: Composer = { segments: [], pastes: 0 };

/** Pastes longer than this, or with a newline, show as a placeholder instead of their text. */
const INLINE_PASTE_LIMIT = 200;

export function typeText(composer: Composer, bytes: Buffer): Composer {
  const last = composer.segments.at(-1);
  if (last?.kind === 'typed') {
    return {
      ...composer,
      segments: [...composer.segments.slice(0, -1), { kind: 'typed', bytes: Buffer.concat([last.bytes, bytes]) }],
    };
  }
  return { ...composer, segments: [...composer.segments, { kind: 'typed', bytes }] };
}

export function addPaste(composer: Composer, bytes: Buffer): Composer {
  const id = composer.pastes + 1;
  return { segments: [...composer.segments, { kind: 'paste', bytes, id }], pastes: id };
}

/** Deletes the last typed character, or the whole last paste (its placeholder is one unit, as in Claude Code). */
export function backspace(composer: Composer): Composer {
  const last = composer.segments.at(-1);
  if (last === undefined) return composer;
  const rest = composer.segments.slice(0, -1);
  if (last.kind === 'paste') return { ...composer, segments: rest };
  const chars = Array.from(last.bytes.toString('utf8'));
  chars.pop();
  const text = chars.join('');
  return { ...composer, segments: text === '' ? rest : [...rest, { kind: 'typed', bytes: Buffer.from(text) }] };
}

export function isEmpty(composer: Composer): boolean {
  return composer.segments.every((segment) => segment.bytes.length === 0);
}

/** Exactly what was pasted and typed, in order: what a submit sends and what the capture file holds. */
export function composedBytes(composer: Composer): Buffer {
  return Buffer.concat(composer.segments.map((segment) => segment.bytes));
}

/** One line for the input box: typed text as is (newlines as ↵), long or multi-line pastes as placeholders. */
export function displayText(composer: Composer): string {
  return composer.segments
    .map((segment) => {
      const text = segment.bytes.toString('utf8');
      if (segment.kind === 'paste' && (text.includes('\n') || text.length > INLINE_PASTE_LIMIT)) {
        return `[Pasted text #${segment.id} +${countNewlines(text)} lines]`;
      }
      return text.replaceAll('\r', '').replaceAll('\n', '↵').replaceAll('\t', ' ');
    })
    .join('');
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
