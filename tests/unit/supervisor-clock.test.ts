import { describe, expect, it } from 'vitest';
import { clockEveryMs } from '../../src/supervisor/pass-clock.js';

describe('the clock of a quiet czar', () => {
  it('passes every second up to 100 workers, then slows with the fleet so its cost stays flat', () => {
    expect([1, 20, 100].map(clockEveryMs)).toEqual([1000, 1000, 1000]);
    expect([200, 500].map(clockEveryMs)).toEqual([2000, 5000]);
  });
});
