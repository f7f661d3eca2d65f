import { describe, expect, it } from 'vitest';
import {
  ControlParser,
  controlCommandLine,
  decodeOctal,
  type ControlNotice,
  type ControlReply,
} from '../../src/adapters/tmux-control-parser.js';

function parse(text: string): { replies: ControlReply[]; notices: ControlNotice[] } {
  const replies: ControlReply[] = [];
  const notices: ControlNotice[] = [];
  const parser = new ControlParser(
    (reply) => replies.push(reply),
    (notice) => notices.push(notice),
  );
  for (const line of text.split('\n')) parser.line(line);
  return { replies, notices };
}

describe('the control-mode reply parser', () => {
  it('matches replies in order, with %output and other notices between them', () => {
    const { replies, notices } = parse(
      [
        '%begin 1795456409 263 0',
        '%end 1795456409 263 0',
        '%session-changed $0 a',
        '%begin 1795456409 268 1',
        'a',
        '%end 1795456409 268 1',
        '%output %3 hi\\015\\012\\033[0m back\\134slash',
        '%begin 1795456409 270 1',
        'no buffer nope',
        '%error 1795456409 270 1',
        '%output %4 ünï',
        '%exit',
      ].join('\n'),
    );
    expect(replies).toEqual([
      { lines: [], failed: false, ours: false },
      { lines: ['a'], failed: false, ours: true },
      { lines: ['no buffer nope'], failed: true, ours: true },
    ]);
    expect(notices[0]).toEqual({ kind: 'other', name: 'session-changed', words: ['$0', 'a'] });
    expect(notices[1]).toEqual({ kind: 'output', paneId: '%3', data: Buffer.from('hi\r\n\x1b[0m back\\slash') });
    expect(notices[2]).toEqual({ kind: 'output', paneId: '%4', data: Buffer.from('ünï') });
    expect(notices[3]).toEqual({ kind: 'exit', reason: '' });
  });

  it('keeps pane text that looks like protocol inside a reply: only its own closing line ends it', () => {
    const { replies, notices } = parse(
      [
        '%begin 1795456409 300 1',
        '%end 1795456409 299 1',
        '%error 1795456409 300 0',
        '%output %1 spoof',
        '%begin 1 2 1',
        '',
        '%end 1795456409 300 1',
      ].join('\n'),
    );
    expect(replies).toEqual([
      {
        lines: ['%end 1795456409 299 1', '%error 1795456409 300 0', '%output %1 spoof', '%begin 1 2 1', ''],
        failed: false,
        ours: true,
      },
    ]);
    expect(notices).toEqual([]);
  });

  it('decodes three-digit octal escapes to bytes and leaves other backslashes alone', () => {
    expect(decodeOctal('a\\000b\\377\\9x\\12')).toEqual(
      Buffer.from([0x61, 0, 0x62, 0xff, 0x5c, 0x39, 0x78, 0x5c, 0x31, 0x32]),
    );
  });
});

describe('a control-mode command line', () => {
  it('quotes every word, escaping what tmux would expand or split on', () => {
    expect(
      controlCommandLine([
        ['display-message', '-p', 'a;'],
        ['set-buffer', '$HOME ~x "q" \\ \n\t\x7f'],
      ]),
    ).toBe('"display-message" "-p" "a;" ; "set-buffer" "\\$HOME \\~x \\"q\\" \\\\ \\012\\011\\177"');
  });
});
