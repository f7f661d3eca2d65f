import { describe, expect, it } from 'vitest';
import { waitingFor, waitsBecause } from '../../src/domain/policy/starts.js';
import { spec } from '../helpers/fleet.js';

describe('who starts', () => {
  it('waits for the dependencies not done, in config order, before it looks at the slots', () => {
    const worker = spec('c', { dependsOn: ['a', 'b'] });
    const done = (name: string): boolean => name === 'a';
    expect(waitingFor(worker, done)).toEqual(['b']);
    expect(waitsBecause(worker, done, 0, 2)).toBe('waits for b');
    expect(waitsBecause(worker, () => false, 5, 2)).toBe('waits for a, b');
  });

  it('starts a worker whose dependencies are done while a slot of max_active is free', () => {
    const worker = spec('c', { dependsOn: ['a'] });
    expect(waitsBecause(worker, () => true, 1, 2)).toBeUndefined();
    expect(waitsBecause(worker, () => true, 2, 2)).toBe('max_active is 2');
  });
});
