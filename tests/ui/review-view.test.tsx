import { describe, expect, it } from 'vitest';
import { detailLines } from '../../src/ui/detail.js';
import { fixtureWorkers } from '../fixtures/fleet-status.js';

const worker = fixtureWorkers[0];

describe('dashboard: the review of the selected worker', () => {
  it('shows its state, round and summary, with the summary control characters made visible', () => {
    if (worker === undefined) throw new Error('fixture has no workers');
    const reviewed = {
      ...worker,
      review: {
        state: 'changes_requested' as const,
        reviewer: 'codex',
        round: 1,
        maxRounds: 3,
        summary: 'empty list crashes\u001b[2J',
        findings: [],
      },
    };
    const lines = detailLines({ worker: reviewed, tail: [], events: [], width: 120, height: 10 }).map(
      (line) => line.text,
    );
    expect(lines).toContain('review: changes requested (round 1 of 3) by codex: empty list crashes␛[2J');
    expect(
      detailLines({ worker, tail: [], events: [], width: 120, height: 10 }).some((line) =>
        line.text.startsWith('review:'),
      ),
    ).toBe(worker.review !== undefined);
  });

  it("lists a person's comments that wait for a pause between turns", () => {
    if (worker === undefined) throw new Error('fixture has no workers');
    const commented = {
      ...worker,
      comments: [
        { file: 'src/a.ts', line: 3, text: 'handle the empty list', at: '2026-01-01T00:00:00.000Z' },
        { text: 'add a test', at: '2026-01-01T00:00:00.000Z' },
      ],
    };
    const lines = detailLines({ worker: commented, tail: [], events: [], width: 120, height: 10 }).map(
      (line) => line.text,
    );
    expect(lines).toContain(
      '2 comment(s) wait for a pause between turns: src/a.ts:3 handle the empty list; add a test',
    );
  });
});
