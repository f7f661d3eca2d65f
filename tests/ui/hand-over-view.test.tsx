import { describe, expect, it } from 'vitest';
import { detailLines } from '../../src/ui/detail.js';
import { fixtureWorkers } from '../fixtures/fleet-status.js';

const worker = fixtureWorkers[0];

describe('dashboard: a worker whose task was handed over', () => {
  it('says from which agent to which, and why, in the detail pane', () => {
    if (worker === undefined) throw new Error('fixture has no workers');
    const handed = {
      ...worker,
      agent: 'simb',
      handedOver: [
        {
          task: worker.name,
          from: 'sima',
          to: 'simb',
          at: '2026-01-01T00:00:00.000Z',
          reason: '2 failed verification round(s); simb for api (best record)',
        },
      ],
    };
    const lines = detailLines({ worker: handed, tail: [], events: [], width: 200, height: 12 }).map(
      (line) => line.text,
    );
    expect(lines).toContain('handed over: sima → simb (2 failed verification round(s); simb for api (best record))');
    expect(
      detailLines({ worker, tail: [], events: [], width: 200, height: 12 }).some((line) =>
        line.text.startsWith('handed over'),
      ),
    ).toBe(false);
  });
});
