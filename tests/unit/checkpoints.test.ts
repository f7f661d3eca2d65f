import { describe, expect, it } from 'vitest';
import {
  checkpointList,
  checkpointProgress,
  markDone,
  matchCheckpoint,
  parseChecklist,
  taskCheckpoints,
} from '../../src/domain/model/checkpoints.js';

describe('checkpoints of a task', () => {
  it('reads the task text checklist, ticked or not, and skips fenced code', () => {
    const text = '# Task\n- [ ] Lexer\n  * [x] Parser\nprose - [ ] not one\n```\n- [ ] in code\n```\n+ [ ] Docs\n';
    expect(parseChecklist(text)).toEqual(['Lexer', 'Parser', 'Docs']);
    expect(taskCheckpoints(['Only this'], text)).toEqual(['Only this']);
    expect(taskCheckpoints(undefined, 'no list')).toEqual([]);
  });

  it('matches a number, a text in any case, or a unique part of an open one; refuses anything else naming the open ones', () => {
    const items = markDone([{ text: 'Lexer' }, { text: 'Parser' }, { text: 'Write the docs' }], 1, 10, 'abc1234');
    expect(matchCheckpoint('2', items)).toEqual({ ok: true, number: 2 });
    expect(matchCheckpoint('parser', items)).toEqual({ ok: true, number: 2 });
    expect(matchCheckpoint('docs', items)).toEqual({ ok: true, number: 3 });
    expect(matchCheckpoint('4', items)).toEqual({
      ok: false,
      reason:
        '--checkpoint "4" is not one of your task\'s 3 checkpoints; the open ones are 2. Parser; 3. Write the docs, so give one\'s number, e.g. --checkpoint 2.',
    });
    expect(matchCheckpoint('1', [])).toMatchObject({ ok: false, reason: expect.stringMatching(/has none/) });
  });

  it('counts done ones, names the next and lists them with their commits', () => {
    const items = markDone([{ text: 'Lexer' }, { text: 'Parser\u001b[2J' }], 1, 5, '0123456789abcdef');
    expect(checkpointProgress(items)).toEqual({
      done: 1,
      total: 2,
      next: { number: 2, text: 'Parser\u001b[2J' },
      lastAt: 5,
    });
    expect(checkpointList(items)).toBe('1. [x] Lexer (done at 0123456789ab)\n2. [ ] Parser␛[2J');
  });
});
