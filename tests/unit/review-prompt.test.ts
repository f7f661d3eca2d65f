import { describe, expect, it } from 'vitest';
import {
  bytePrefix,
  DIFF_LIMITS,
  NAMED_FILES,
  renderReviewPrompt,
  REVIEW_PROMPT_BYTES,
  type ReviewPromptFacts,
} from '../../src/domain/text/review-prompt.js';
import { MAX_TASK_BYTES } from '../../src/domain/model/limits.js';

const part = (file: string, lines: number): string =>
  `diff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -0,0 +1,${lines} @@\n${'+x\n'.repeat(lines)}`;

const facts = (overrides: Partial<ReviewPromptFacts>): ReviewPromptFacts => ({
  worker: 'w',
  branch: 'czar/w',
  base: 'main',
  sha: 'a'.repeat(40),
  round: 1,
  maxRounds: 3,
  roleText: undefined,
  task: 'Do the thing.',
  checks: [],
  diff: part('src/a.ts', 2),
  earlier: [],
  ...overrides,
});

describe('the review prompt', () => {
  it('of a change to 20,000 files stays within its budget, and says how many files were cut, naming a few', () => {
    const files = Array.from({ length: 20_000 }, (_, index) => `src/generated/module-${index}.ts`);
    const prompt = renderReviewPrompt(facts({ diff: files.map((file) => part(file, 5)).join('') }));
    expect(Buffer.byteLength(prompt)).toBeLessThanOrEqual(REVIEW_PROMPT_BYTES);
    const note = prompt.split('\n').find((line) => line.startsWith('The diff was too long'));
    const header = prompt.split('\n').find((line) => line.startsWith('## The diff'));
    expect(header).toMatch(
      /^## The diff main\.\.\.a{12} \(20000 file\(s\): src\/generated\/module-0\.ts, .* and 19980 more\)$/,
    );
    expect(note).toMatch(
      /^The diff was too long to give whole: 1 file\(s\) cut to their first part \(src\/generated\/module-\d+\.ts\); \d+ file\(s\) left out whole \(src\/generated\/module-\d+\.ts, .* and \d+ more\)\. Read those files in this checkout\.$/,
    );
    expect(Buffer.byteLength(note ?? '')).toBeLessThan(NAMED_FILES * 40 + 200);
    // Every file's diff is given whole until the diff's own limit.
    expect(prompt).toContain(part('src/generated/module-0.ts', 5).trimEnd());
    expect(Buffer.byteLength(prompt)).toBeGreaterThan(DIFF_LIMITS.totalBytes);
  });

  it('stays within its budget with every part at its largest: the task, long names, earlier rounds', () => {
    const longName = `src/${'deep/'.repeat(800)}file.ts`;
    const finding = { file: 'src/a.ts', line: 1, severity: 'major' as const, text: 'é'.repeat(1000) };
    const prompt = renderReviewPrompt(
      facts({
        task: `\u0007${'task text '.repeat(MAX_TASK_BYTES / 10)}`,
        roleText: 'r'.repeat(100_000),
        diff: [longName, 'src/b.ts'].map((file) => part(file, 50_000)).join(''),
        earlier: Array.from({ length: 20 }, () => ({
          sha: 'b'.repeat(40),
          summary: 's',
          findings: Array.from({ length: 50 }, () => finding),
          changedSince: Array.from({ length: 5000 }, () => longName),
        })),
      }),
    );
    expect(Buffer.byteLength(prompt)).toBeLessThanOrEqual(REVIEW_PROMPT_BYTES);
    expect(prompt).toMatch(/\(The task was cut to its first \d+ of \d+ bytes\.\)/);
    expect(prompt).toContain('## Your answer');
    expect(prompt).toMatch(/2 file\(s\) cut to their first part \(src\/deep\/[a-z/]*…, src\/b\.ts\)/);
  });

  it('is cut between characters, never inside one', () => {
    expect(bytePrefix('aé', 2)).toBe('a');
    expect(bytePrefix('aé', 3)).toBe('aé');
    expect(bytePrefix('€€', 4)).toBe('€');
  });
});
