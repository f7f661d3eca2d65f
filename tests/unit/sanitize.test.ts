import { describe, expect, it } from 'vitest';
import { neutraliseControls, visible, visibleLines, visibleStrings } from '../../src/domain/model/sanitize.js';

describe('neutraliseControls', () => {
  it('turns CRLF and lone CR into LF', () => {
    expect(neutraliseControls('a\r\nb\rc\n')).toBe('a\nb\nc\n');
  });

  it('keeps TAB and LF', () => {
    expect(neutraliseControls('a\tb\nc')).toBe('a\tb\nc');
  });

  it('pictures ESC so an embedded paste end cannot close the bracket', () => {
    const out = neutraliseControls('x\x1b[201~\nrm -rf /');
    expect(out).toBe('x\u241b[201~\nrm -rf /');
    expect(out).not.toContain('\x1b');
  });

  it('pictures every other C0 control and DEL', () => {
    expect(neutraliseControls('\x00\x03\x07\x08\x0b\x0c\x1f\x7f')).toBe(
      '\u2400\u2403\u2407\u2408\u240b\u240c\u241f\u2421',
    );
  });

  it('writes C1 controls as a pictured ESC and their 7-bit form', () => {
    expect(neutraliseControls('a\u009b31mb\u0085')).toBe('a\u241b[31mb\u241bE');
  });

  it('leaves no control byte except TAB and LF over the whole 0x00-0x9f range', () => {
    const all = Array.from({ length: 0xa0 }, (_, code) => String.fromCharCode(code)).join('');
    const out = neutraliseControls(all);
    // eslint-disable-next-line no-control-regex
    expect(out.replace(/[\t\n]/g, '')).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });

  it('passes shell metacharacters, quotes and any UTF-8 unchanged', () => {
    const text = `echo "$(touch /tmp/x)" 'q' \`id\` ; | & > < \\ #{pane} %s 漢字 👩‍👩‍👧 🇫🇷 e\u0301 \u00a0\u00ff`;
    expect(neutraliseControls(text)).toBe(text);
  });

  it('handles 5 MB without change when there is nothing to neutralise', () => {
    const big = 'line of text with $(x) and `y`\n'.repeat(170_000);
    expect(big.length).toBeGreaterThan(5_000_000);
    expect(neutraliseControls(big)).toBe(big);
  });
});

describe('visible', () => {
  const hostile = 'a\u001b[2Jb\u0007c\u001b]0;pwned\u0007d\re\u0000f\u009b31m';

  it('pictures ESC, BEL, an OSC title sequence, CR, NUL and C1 so a terminal acts on none of them', () => {
    expect(visible(hostile)).toBe('a\u241b[2Jb\u2407c\u241b]0;pwned\u2407d\u240de\u2400f\u241b[31m');
  });

  it('pictures LF and TAB too: one field stays on one line', () => {
    expect(visible('one\ntwo\tthree')).toBe('one\u240atwo\u2409three');
  });

  it('leaves no control character over the whole 0x00-0x9f range', () => {
    const all = Array.from({ length: 0xa0 }, (_, code) => String.fromCharCode(code)).join('');
    // eslint-disable-next-line no-control-regex
    expect(visible(all)).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });

  it('passes ordinary text and any UTF-8 unchanged', () => {
    const text = `note: "$(x)" 漢字 👩‍👩‍👧 e\u0301 100%`;
    expect(visible(text)).toBe(text);
  });
});

describe('visibleLines', () => {
  it('keeps LF and TAB between lines and pictures every other control', () => {
    expect(visibleLines('a\tb\nc\u001b]0;t\u0007\r\nd')).toBe('a\tb\nc\u241b]0;t\u2407\u240d\nd');
  });
});

describe('visibleStrings', () => {
  it('applies visible to every string in a nested value, keys and other types untouched', () => {
    const value = { note: 'x\u001by', n: 3, flag: true, none: undefined, list: ['\u0007', { deep: '\r' }] };
    expect(visibleStrings(value)).toEqual({
      note: 'x\u241by',
      n: 3,
      flag: true,
      none: undefined,
      list: ['\u2407', { deep: '\u240d' }],
    });
  });

  it('gives back the same result for an object it has seen, so a snapshot part that did not change is not walked again', () => {
    const status = { workers: [{ note: 'a\u0007' }] };
    const first = visibleStrings({ status, tails: ['x'] });
    const second = visibleStrings({ status, tails: ['y'] });
    expect(second.status).toBe(first.status);
    expect(second.status.workers[0]?.note).toBe('a\u2407');
  });

  it('returns the same object when nothing needed a change, so React sees no new snapshot', () => {
    const value = { a: 'plain', b: ['text'], c: { d: 1 } };
    expect(visibleStrings(value)).toBe(value);
  });
});
