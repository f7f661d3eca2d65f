import { describe, expect, it } from 'vitest';
import { ownHistory, parseHistory } from '../../src/adapters/branch-activity.js';

const header = (sha: string, parents: string, subject: string): string =>
  `\x1e${sha} 2026-11-23T04:14:09+00:00 ${parents}\x1f${subject}`;

describe('ownHistory of a parsed log', () => {
  it('takes the tip from the first commit, sees a merge on its own line, and keeps only the files of that line', () => {
    // c2 merged o1 (the integration branch's commit, listed too as the range holds it): its files are not the branch's.
    const stdout = [
      header('c3', 'c2', 'fix: a \x1f subject with odd bytes \x1e and spaces'),
      '\nfix.ts',
      header('c2', 'c1 o1', "Merge branch 'czar/integration'"),
      header('o1', 'b0', 'a peer'),
      '\npeer.ts',
      header('c1', 'b0', 'work'),
      '\nsrc/a b.ts',
      'lib.ts',
      '',
    ].join('\0');
    const commits = parseHistory(stdout);
    expect(commits).toHaveLength(4);
    expect(ownHistory(commits)).toEqual({
      tip: {
        sha: 'c3',
        at: '2026-11-23T04:14:09+00:00',
        subject: 'fix: a \x1f subject with odd bytes \x1e and spaces',
      },
      merges: true,
      ownFiles: new Set(['fix.ts', 'src/a b.ts', 'lib.ts']),
    });
  });

  it('a branch with no merge, and one with no commits', () => {
    expect(ownHistory(parseHistory([header('c1', 'b0', 'work'), '\na.ts', ''].join('\0'))).merges).toBe(false);
    expect(parseHistory('')).toEqual([]);
    expect(ownHistory([])).toEqual({ tip: undefined, merges: false, ownFiles: new Set() });
  });
});
