import { describe, expect, it } from 'vitest';
import { notifyPayload } from '../../src/domain/text/notify.js';

describe('notifyPayload', () => {
  it('shows control characters in the summary and reason as symbols: a notify command puts them in front of a person', () => {
    const payload = notifyPayload(
      'shop',
      {
        kind: 'notify',
        worker: 'fin',
        episode: 'blocked',
        summary: 'fin is blocked: \u001b]0;x\u0007\r',
        reason: 'note \u0000\u009b',
      },
      '2025-06-03T14:30:00.000Z',
    );
    expect(payload).toEqual({
      project: 'shop',
      worker: 'fin',
      episode: 'blocked',
      summary: 'fin is blocked: \u241b]0;x\u2407\u240d',
      reason: 'note \u2400\u241b[',
      at: '2025-06-03T14:30:00.000Z',
    });
  });
});
