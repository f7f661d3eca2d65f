import { describe, expect, it } from 'vitest';
import { Turns } from '../../src/fleet/turns.js';

describe('turns by key', () => {
  it('lets one taker of a key in at a time, in order, and never holds another key', async () => {
    const turns = new Turns();
    const order: string[] = [];
    const first = await turns.take('opencode');
    const second = turns.take('opencode').then((giveBack) => (order.push('second'), giveBack));
    const third = turns.take('opencode').then((giveBack) => (order.push('third'), giveBack));
    const other = await turns.take('claude');
    order.push('other');
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['other']);
    first();
    const giveSecondBack = await second;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['other', 'second']);
    giveSecondBack();
    giveSecondBack();
    (await third)();
    other();
    expect(order).toEqual(['other', 'second', 'third']);
  });
});
