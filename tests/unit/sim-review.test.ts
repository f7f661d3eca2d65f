import { describe, expect, it } from 'vitest';
import { reviewModeOf } from '../../src/agents/index.js';
import { ReviewVerdictSchema } from '../../src/domain/model/review-verdict.js';
import { defaultDirectives, parseDirectives } from '../../src/sim/directives.js';
import { simReviewAnswer } from '../../src/sim/review.js';

const TASK = [
  '# Build the parser',
  '@sim work 1 parsing',
  '@sim review request_changes src/a.ts:3 major handle the empty list',
  '@sim review approve reads well now',
].join('\n');

function prompt(round: number, task = TASK): string {
  return `Review round ${round} of 3 of worker api's branch.\n\n${task}\n`;
}

function verdictOf(text: string): unknown {
  return reviewModeOf('sim')?.read(
    { stdout: text, files: {} },
    { prompt: '', cwd: '', workDir: '', verdictSchema: {}, nonce: 'n' },
  ).verdict;
}

describe('the simulated reviewer', () => {
  it('answers each round with the line scripted for it, then approves', () => {
    const first = simReviewAnswer(prompt(1));
    if (first.kind !== 'print') throw new Error('expected a verdict');
    expect(ReviewVerdictSchema.parse(verdictOf(first.text))).toEqual({
      verdict: 'request_changes',
      summary: '1 finding: handle the empty list',
      findings: [{ file: 'src/a.ts', line: 3, severity: 'major', text: 'handle the empty list' }],
    });
    const second = simReviewAnswer(prompt(2));
    expect(second.kind === 'print' && ReviewVerdictSchema.parse(verdictOf(second.text)).summary).toBe('reads well now');
    const third = simReviewAnswer(prompt(3));
    expect(third.kind === 'print' && ReviewVerdictSchema.parse(verdictOf(third.text)).verdict).toBe('approve');
  });

  it('approves a request for changes whose fix is already in the diff', () => {
    const fixed = simReviewAnswer(`${prompt(1)}\n+// addressed the review finding\n`);
    expect(fixed.kind === 'print' && ReviewVerdictSchema.parse(verdictOf(fixed.text)).verdict).toBe('approve');
  });

  it('malformed prints prose that is no verdict; hang never answers; wait delays', () => {
    const malformed = simReviewAnswer(prompt(1, '@sim review malformed'));
    expect(malformed.kind === 'print' && verdictOf(malformed.text)).toBeUndefined();
    expect(simReviewAnswer(prompt(1, '@sim review hang')).kind).toBe('hang');
    expect(simReviewAnswer(prompt(1, '@sim review wait 1.5 approve'))).toMatchObject({ kind: 'print', waitMs: 1500 });
  });

  it('the worker ignores review lines, and answers a review fix-up by changing the named file and committing', () => {
    expect(parseDirectives(TASK)).toEqual({
      directives: [{ kind: 'work', seconds: 1, label: 'parsing' }],
      problems: [],
    });
    const fixup =
      'The reviewer asked for changes.\n```\nsrc/a.ts:3 [major] handle the empty list\n```\ncommit, then report done';
    expect(defaultDirectives('api', fixup, true).map((directive) => directive.kind)).toEqual([
      'work',
      'append',
      'commit',
      'done',
    ]);
    expect(defaultDirectives('api', fixup, true)[1]).toMatchObject({ path: 'src/a.ts' });
  });
});
