import { describe, expect, it } from 'vitest';
import { act, parseAction, type WebAction } from '../../src/web/actions.js';
import type { FleetStatus } from '../../src/domain/status/status-schema.js';

// Refusals come before the request queue, so no czar is needed to answer them.
const fleet = {
  stateDir: '/nonexistent',
  running: true,
  status: { workers: [{ name: 'a' }] } as unknown as FleetStatus,
};

function action(body: object): WebAction {
  const parsed = parseAction(JSON.stringify({ fleet: 'f', ...body }));
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

describe("the page's budget action", () => {
  it('is an action kind the page may send', () => {
    expect(action({ kind: 'budget', worker: 'a', text: '5' }).kind).toBe('budget');
  });

  it('refuses a budget that is not a dollar amount, naming the worker and how to fix it', async () => {
    for (const text of ['', 'lots', '-3', '0'])
      expect(await act(action({ kind: 'budget', worker: 'a', text }), fleet)).toEqual({
        code: 400,
        result: {
          ok: false,
          message:
            'The budget for a must be a dollar amount above 0 and up to 1000000, such as 5 or 12.50; write it in the box.',
        },
      });
  });

  it('names its worker', async () => {
    expect((await act(action({ kind: 'budget', text: '5' }), fleet)).code).toBe(400);
  });
});
