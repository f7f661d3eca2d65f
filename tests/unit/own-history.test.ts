import { describe, expect, it } from 'vitest';
import { parseOwnHistory } from '../../src/adapters/branch-activity.js';

const header = (sha: string, parents: string, subject: string): string =>
  `\x1e${sha} 2026-11-23T04:14:09+00:00 ${parents}\x1f${subject}`;

describe('parseOwnHistory', () => {
  it('takes the tip from the first commit, sees a merge by its parents, and keeps only the files of commits that list them', () => {
    const stdout = [
      header('c3', 'c2', 'fix: a \x1f subject with odd bytes \x1e and spaces'),
      '\nfix.ts',
      header('c2', 'c1 o1', "Merge branch 'czar/integration'"),
      header('c1', 'b0', 'work'),
      '\nsrc/a b.ts',
      'lib.ts',
      '',
    ].join('\0');
    expect(parseOwnHistory(stdout)).toEqual({
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
    expect(parseOwnHistory([header('c1', 'b0', 'work'), '\na.ts', ''].join('\0')).merges).toBe(false);
    expect(parseOwnHistory('')).toEqual({ tip: undefined, merges: false, ownFiles: new Set() });
  });
});
