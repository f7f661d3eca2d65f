import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claudePrompt } from '../../src/agents/claude/transcripts.js';
import { codexPrompt } from '../../src/agents/codex/transcripts.js';
import { geminiPrompt } from '../../src/agents/gemini/transcripts.js';
import { opencodePrompt } from '../../src/agents/opencode/transcripts.js';
import { piPrompt } from '../../src/agents/pi/transcripts.js';
import { qwenPrompt } from '../../src/agents/qwen/transcripts.js';
import { promptDifference, type RecordedPrompt } from '../../src/domain/model/delivery-check.js';
import type { WorkerModel } from '../../src/domain/model/model.js';
import { EMPTY_USAGE } from '../../src/domain/usage/usage.js';
import { fleet, observe, SECOND, spec, T0, tick } from '../helpers/fleet.js';

const fixture = (name: string): string[] =>
  readFileSync(new URL(`../fixtures/usage/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
const prompts = (parse: (line: string) => RecordedPrompt | undefined, lines: readonly string[]): string[] =>
  lines.flatMap((line) => parse(line)?.text ?? []);

describe('recorded prompts', () => {
  it('reads the prompts each agent recorded, not tool results or its own context', () => {
    expect(prompts(claudePrompt, fixture('claude/session.jsonl'))[0]).toBe('Please RUN-BASH then SPAWN-SUB now');
    expect(
      prompts(claudePrompt, fixture('claude/session.jsonl')).every((text) => !text.includes('Subagent finished')),
    ).toBe(true);
    expect(prompts(codexPrompt, fixture('codex/rollout.jsonl'))).toEqual(['Please RUN-BASH now']);
    expect(prompts(geminiPrompt, fixture('gemini/session.jsonl'))).toEqual(['Please RUN-BASH now']);
    expect(prompts(qwenPrompt, fixture('qwen/chat.jsonl'))).toEqual([
      'Second.\nRUN: echo two > two.txt\nSAY: Done two.',
      'Fail please.\nFAIL: 400 scripted refusal: no such model',
    ]);
    expect(prompts(opencodePrompt, fixture('opencode/session.jsonl'))).toEqual([
      'Write the greeting and commit it.\nRUN: echo hello > hello.txt && git add hello.txt && git commit -qm "add hello"\nSAY: Finished.',
      'Anything at all.\nFAIL: 400 scripted refusal: no such model',
      'Retry me.\nFAIL-TIMES: 2 500 scripted boom\nSAY: Recovered.',
      'Sleep a while.\nRUN: sleep 30\nSAY: Slept.',
      'Again.\nRUN: echo again > again.txt && git add again.txt && git commit -qm "add again"\nSAY: Again done.',
      'Editor.\nRUN: git commit --allow-empty\nSAY: Tried.',
    ]);
    expect(prompts(piPrompt, fixture('pi/session.jsonl'))).toEqual([
      'Slow one.\nSLEEP: 6\nRUN: echo hi > hi.txt && git add hi.txt && git commit -qm hi\nSAY: Slept.',
      'Fail.\nFAIL: 400 scripted refusal: no such model',
    ]);
  });
});

describe('promptDifference', () => {
  const task = 'Fix the parser.\nKeep @src/a.ts as it is.\n';
  it('finds none when the brief holds the task, whatever the line endings, trailing spaces or Gemini @ escapes', () => {
    expect(
      promptDifference(
        task,
        `You are worker a.\r\n\r\nFix the parser.  \r\nKeep \\@src/a.ts as it is.\r\n\r\nReport when done.`,
      ),
    ).toBeUndefined();
  });
  it('names the first line that differs, control characters shown', () => {
    expect(promptDifference(task, 'You are worker a.\nFix the parser.\nKeep @src/b.ts\x1b[2J as it is.')).toBe(
      'czar sent "Keep @src/a.ts as it is." but the agent recorded "Keep @src/b.ts␛[2J as it is."',
    );
  });
  it('says when the task is not in the prompt at all', () => {
    expect(promptDifference(task, 'Something else')).toBe(
      'czar sent "Fix the parser." but the agent recorded "Something else"',
    );
  });
  it('says when the prompt ended early', () => {
    expect(promptDifference(task, 'Fix the parser.')).toBe(
      'czar sent "Keep @src/a.ts as it is." but the agent recorded nothing after "Fix the parser."',
    );
  });
  it('bounds a long line', () => {
    const difference = promptDifference('a\nb', `a\n${'x'.repeat(5000)}`);
    expect(difference?.length).toBeLessThan(400);
  });
});

describe('decide: delivery checked against the recorded prompt', () => {
  const recorded = (text: string, at: number): Partial<WorkerModel> => ({
    usage: {
      ...EMPTY_USAGE,
      prompts: [
        { text: 'an older prompt', at: T0 - SECOND },
        { text, at },
      ],
    },
  });

  it('raises delivery_mismatch once for a recorded prompt that is not the task, and clears it when a later look finds it whole', () => {
    let model = tick(fleet([spec('a', { task: '# A\nDo the a thing.\n' })]), T0).fleet;
    model = observe(model, 'a', () => recorded('Brief.\n# A\nDo the b thing.', T0 + SECOND));
    const first = tick(model, T0 + 2 * SECOND);
    const alert = first.actions.find((action) => action.kind === 'alert');
    expect(alert?.kind === 'alert' ? alert.alert : undefined).toMatchObject({ kind: 'delivery_mismatch' });
    expect(alert?.kind === 'alert' ? alert.alert.message : '').toContain(
      'czar sent "Do the a thing." but the agent recorded "Do the b thing."',
    );
    expect(tick(first.fleet, T0 + 3 * SECOND).actions.filter((action) => action.kind === 'alert')).toEqual([]);
    const fixed = observe(first.fleet, 'a', () => recorded('Brief.\n# A\nDo the a thing.', T0 + SECOND));
    const cleared = tick(fixed, T0 + 4 * SECOND);
    expect(
      cleared.actions
        .filter((action) => action.kind === 'clear_alert')
        .map((action) => action.kind === 'clear_alert' && action.alertKind),
    ).toEqual(['delivery_mismatch']);
  });

  it('ignores prompts recorded before the task was given', () => {
    let model = tick(fleet([spec('a')]), T0).fleet;
    model = observe(model, 'a', () => ({
      usage: { ...EMPTY_USAGE, prompts: [{ text: 'something else', at: T0 - SECOND }] },
    }));
    expect(tick(model, T0 + SECOND).actions.filter((action) => action.kind === 'alert')).toEqual([]);
  });
});
