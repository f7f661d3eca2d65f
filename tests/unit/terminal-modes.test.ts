import { describe, expect, it } from 'vitest';
import { lastBracketedPasteMode } from '../../src/domain/model/terminal-modes.js';

describe('lastBracketedPasteMode', () => {
  it("reads the last bracketed paste switch in a program's output, alone or in a combined list", () => {
    expect(lastBracketedPasteMode('banner\r\nloading...')).toBeUndefined();
    expect(lastBracketedPasteMode('\x1b[?2004h> ')).toBe('on');
    expect(lastBracketedPasteMode('\x1b[?2004h work \x1b[?2004l')).toBe('off');
    expect(lastBracketedPasteMode('\x1b[?1049;2004h\x1b[?25l')).toBe('on');
    expect(lastBracketedPasteMode('\x1b[?2004l\x1b[?1004;2004h')).toBe('on');
  });

  it('does not take other private modes or a look-alike number for it', () => {
    expect(lastBracketedPasteMode('\x1b[?1049h\x1b[?20045h\x1b[?12004h')).toBeUndefined();
    expect(lastBracketedPasteMode('ESC[?2004h typed as text')).toBeUndefined();
  });
});
