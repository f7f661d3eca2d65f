import { describe, expect, it } from 'vitest';
import { defaultDirectives, hasDirectives, parseDirectives } from '../../src/sim/directives.js';
import { parseSimOptions } from '../../src/sim/options.js';
import { keepBothSides } from '../../src/sim/merge.js';
import { stepCount, workSteps } from '../../src/sim/work.js';

describe('sim directives', () => {
  it('finds @sim lines among prose, in order', () => {
    const text = [
      'Please fix the parser.',
      '@sim work 2.5 reading the parser',
      '  @sim write src/a.txt one\\ntwo  three',
      '@sim append notes.md more',
      '@sim commit fix: parser\r',
      'not @sim work 9',
      '@sim report working 40% halfway there',
      '@sim result parser done; docs left',
      '@sim ask drop the old tests?',
      '@sim quiet',
      '@sim crash 3',
      '@sim hang',
      '@sim done shipped',
    ].join('\n');
    const { directives, problems } = parseDirectives(text);
    expect(problems).toEqual([]);
    expect(directives).toEqual([
      { kind: 'work', seconds: 2.5, label: 'reading the parser' },
      { kind: 'write', path: 'src/a.txt', text: 'one\ntwo  three' },
      { kind: 'append', path: 'notes.md', text: 'more' },
      { kind: 'commit', message: 'fix: parser' },
      { kind: 'report', state: 'working', progress: 40, note: 'halfway there' },
      { kind: 'result', text: 'parser done; docs left' },
      { kind: 'ask', question: 'drop the old tests?' },
      { kind: 'quiet' },
      { kind: 'crash', code: 3 },
      { kind: 'hang' },
      { kind: 'done', note: 'shipped' },
    ]);
  });

  it('defaults crash to exit 1 and reads a report without progress or note', () => {
    expect(parseDirectives('@sim crash\n@sim report blocked').directives).toEqual([
      { kind: 'crash', code: 1 },
      { kind: 'report', state: 'blocked', progress: undefined, note: undefined },
    ]);
  });

  it('names the line and the problem for a bad directive and skips it', () => {
    const { directives, problems } = parseDirectives(
      '@sim work soon\n@sim report sleeping\n@sim write /etc/x y\n@sim write ../x y\n@sim dance\n@sim done',
    );
    expect(directives).toEqual([{ kind: 'done', note: undefined }]);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/^line 1: .*"soon"/);
    expect(problems[1]).toMatch(/^line 2: .*"sleeping"/);
    expect(problems[2]).toMatch(/relative/);
    expect(problems[3]).toMatch(/inside the worktree/);
    expect(problems[4]).toMatch(/unknown directive "@sim dance"/);
  });

  it('falls back to work, write, commit, done for a task without @sim lines', () => {
    expect(hasDirectives('just prose\nmore prose')).toBe(false);
    const kinds = defaultDirectives('w1', 'Build the thing').map((directive) => directive.kind);
    expect(kinds).toEqual(['work', 'write', 'commit', 'done']);
    expect(defaultDirectives('w1', 'Build the thing')[1]).toMatchObject({
      path: 'sim/w1.md',
      text: expect.stringContaining('Build the thing'),
    });
  });
});

describe('sim options and work steps', () => {
  it('parses options and rejects a bad number with the flag named', () => {
    expect(
      parseSimOptions(['--startup-ms', '300', '--trust-dialog', '--enter-guard-ms', '1000', '--speed', '0.1']),
    ).toEqual({
      startupMs: 300,
      trustDialog: true,
      enterGuardMs: 1000,
      speed: 0.1,
      noReport: false,
      review: false,
    });
    expect(parseSimOptions(['--no-report']).noReport).toBe(true);
    expect(parseSimOptions(['--review']).review).toBe(true);
    expect(() => parseSimOptions(['--speed', 'fast'])).toThrow(/--speed must be a number >= 0, got "fast"/);
    expect(() => parseSimOptions(['--bogus'])).toThrow(/known options/);
  });

  it('makes reproducible steps that end by testing', () => {
    const steps = workSteps('parser', ['a.ts'], stepCount(9), 'w1');
    expect(steps).toHaveLength(6);
    expect(workSteps('parser', ['a.ts'], 6, 'w1')).toEqual(steps);
    expect(steps.at(-1)?.title).toMatch(/^Bash\(/);
  });
});

describe('sim merges', () => {
  it('reads "@sim merge <branch>" and names a bad one', () => {
    expect(parseDirectives('@sim merge czar/integration').directives).toEqual([
      { kind: 'merge', branch: 'czar/integration' },
    ]);
    const { problems } = parseDirectives('@sim merge\n@sim merge --abort\n@sim merge a b');
    expect(problems).toHaveLength(3);
    expect(problems[1]).toMatch(/^line 2: "@sim merge" needs one branch name, got "--abort"/);
  });

  it('follows a follow-up that asks for `git merge <branch>`, as the integration fix-up does', () => {
    const fixup =
      'Worker w1: your work could not go into the integration branch yet.\n1. In your worktree, merge the integration branch:\n   `git merge czar/integration`\n2. Resolve every conflict.';
    expect(defaultDirectives('w1', fixup, true).map((directive) => directive.kind)).toEqual(['work', 'merge', 'done']);
    expect(defaultDirectives('w1', fixup, true)[1]).toEqual({ kind: 'merge', branch: 'czar/integration' });
    // Only a follow-up: a first task that mentions a merge is work of its own.
    expect(defaultDirectives('w1', fixup, false).map((directive) => directive.kind)).not.toContain('merge');
    expect(
      defaultDirectives('w1', 'Please run `git merge --abort` first', true).map((directive) => directive.kind),
    ).toEqual(['work', 'done']);
  });

  it('resolves a conflict keeping both sides, without the markers or the common ancestor', () => {
    const conflicted = [
      'head',
      '<<<<<<< HEAD',
      "  'totals',",
      '||||||| base',
      '  old,',
      '=======',
      "  'search',",
      '>>>>>>> czar/integration',
      'tail',
      '',
    ].join('\n');
    expect(keepBothSides(conflicted)).toBe(['head', "  'totals',", "  'search',", 'tail', ''].join('\n'));
    expect(keepBothSides('<<<<<<< HEAD\nours\n=======\ntheirs\n')).toBeUndefined();
    expect(keepBothSides('no conflict here\n')).toBe('no conflict here\n');
  });
});
