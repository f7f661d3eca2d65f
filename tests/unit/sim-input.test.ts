import { describe, expect, it } from 'vitest';
import { createInputParser, PASTE_END, PASTE_START, type InputEvent } from '../../src/sim/input.js';
import { addPaste, backspace, composedBytes, displayText, emptyComposer, typeText } from '../../src/sim/composer.js';

function feed(chunks: readonly (string | Buffer)[]): InputEvent[] {
  const parser = createInputParser();
  return chunks.flatMap((chunk) => parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk));
}

function pastes(events: readonly InputEvent[]): Buffer[] {
  return events.flatMap((event) => (event.type === 'paste' ? [event.bytes] : []));
}

describe('sim input parser', () => {
  it('reads typed text, Enter, Backspace, Ctrl-C, Ctrl-D and arrows', () => {
    const events = feed(['ab\x7f\r\x03\x04\x1b[A\x1b[B\x1bOC']);
    expect(events.map((event) => event.type)).toEqual([
      'text',
      'backspace',
      'enter',
      'ctrl-c',
      'ctrl-d',
      'up',
      'down',
      'right',
    ]);
  });

  it('keeps a CR and LF inside a paste as text, and the Enter after the paste as a submit', () => {
    const events = feed([`${PASTE_START}line 1\r\nline 2\r${PASTE_END}\r`]);
    expect(events.map((event) => event.type)).toEqual(['paste-start', 'paste', 'enter']);
    expect(pastes(events)[0]?.toString()).toBe('line 1\r\nline 2\r');
  });

  it('reassembles paste markers split at every possible byte', () => {
    const whole = `x${PASTE_START}hi\nthere${PASTE_END}\r`;
    for (let cut = 1; cut < whole.length; cut++) {
      const events = feed([whole.slice(0, cut), whole.slice(cut)]);
      expect(
        events.map((event) => event.type),
        `cut at ${cut}`,
      ).toEqual(['text', 'paste-start', 'paste', 'enter']);
      expect(pastes(events)[0]?.toString(), `cut at ${cut}`).toBe('hi\nthere');
    }
  });

  it('delivers a 200 KB paste fed in 7 KB reads byte for byte as one piece', () => {
    const content = Buffer.from(
      Array.from({ length: 5000 }, (_, i) => `line ${i}: ünïcödé 漢字 🙂 \`$(x)\` \\ ;\n`).join(''),
    );
    expect(content.length).toBeGreaterThan(200_000);
    const stream = Buffer.concat([Buffer.from(PASTE_START), content, Buffer.from(PASTE_END), Buffer.from('\r')]);
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < stream.length; offset += 6_977) chunks.push(stream.subarray(offset, offset + 6_977));
    const events = feed(chunks);
    expect(events.map((event) => event.type)).toEqual(['paste-start', 'paste', 'enter']);
    expect(pastes(events)[0]?.equals(content)).toBe(true);
  });

  it('keeps a UTF-8 character split across reads intact in typed text', () => {
    const bytes = Buffer.from('é');
    const events = feed([bytes.subarray(0, 1), bytes.subarray(1)]);
    expect(Buffer.concat(events.flatMap((event) => (event.type === 'text' ? [event.bytes] : []))).toString()).toBe('é');
  });

  it('holds a lone ESC until flush, then reports Escape', () => {
    const parser = createInputParser();
    expect(parser.push(Buffer.from('\x1b'))).toEqual([]);
    expect(parser.flush()).toEqual([{ type: 'escape' }]);
  });
});

describe('sim composer', () => {
  it('sends typed and pasted bytes in order and shows multi-line pastes as a placeholder', () => {
    let composer = typeText(emptyComposer, Buffer.from('do: '));
    composer = addPaste(composer, Buffer.from('a\nb\nc'));
    composer = typeText(composer, Buffer.from('!'));
    expect(composedBytes(composer).toString()).toBe('do: a\nb\nc!');
    expect(displayText(composer)).toBe('do: [Pasted text #1 +2 lines]!');
  });

  it('Backspace removes one character, or a whole paste', () => {
    let composer = addPaste(emptyComposer, Buffer.from('x\ny'));
    composer = typeText(composer, Buffer.from('hé'));
    composer = backspace(composer);
    expect(composedBytes(composer).toString()).toBe('x\nyh');
    composer = backspace(backspace(composer));
    expect(composedBytes(composer).length).toBe(0);
  });
});
