import { describe, expect, it } from 'vitest';
import { costOfModels, DEFAULT_PRICES, priceOf, withOverrides } from '../../src/domain/usage/prices.js';

describe('prices', () => {
  it('finds a dated model name by its longest listed prefix', () => {
    expect(priceOf('claude-sonnet-4-5-20250929', DEFAULT_PRICES)).toBe(DEFAULT_PRICES['claude-sonnet-4-5']);
    expect(priceOf('claude-sonnet-4-20250514', DEFAULT_PRICES)).toBe(DEFAULT_PRICES['claude-sonnet-4']);
    expect(priceOf('gemini-2.5-flash-lite', DEFAULT_PRICES)).toBe(DEFAULT_PRICES['gemini-2.5-flash-lite']);
  });

  it('does not guess a price for a model it does not know', () => {
    expect(priceOf('fake-model', DEFAULT_PRICES)).toBeUndefined();
    // A prefix only counts at a "-" boundary: claude-sonnet-45 is not claude-sonnet-4.
    expect(priceOf('claude-sonnet-45', DEFAULT_PRICES)).toBeUndefined();
    const cost = costOfModels(
      [{ model: 'fake-model', input: 1000, output: 0, cacheWrite: 0, cacheRead: 0 }],
      DEFAULT_PRICES,
    );
    expect(cost).toEqual({ usd: 0, unpriced: ['fake-model'] });
  });

  it('prices each kind of token and lets the config add a model', () => {
    const table = withOverrides({ 'fake-model': { input: 2, output: 4, cacheWrite: 1, cacheRead: 0.5 } });
    const cost = costOfModels(
      [
        { model: 'fake-model', input: 1_000_000, output: 500_000, cacheWrite: 2_000_000, cacheRead: 4_000_000 },
        { model: 'claude-sonnet-4-5-20250929', input: 1_000_000, output: 0, cacheWrite: 0, cacheRead: 0 },
      ],
      table,
    );
    expect(cost.unpriced).toEqual([]);
    expect(cost.usd).toBeCloseTo(2 + 2 + 2 + 2 + 3, 10);
  });
});
