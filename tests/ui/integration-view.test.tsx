import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { FleetStatus } from '../../src/domain/status/status-schema.js';
import { detailLines } from '../../src/ui/detail.js';
import { Header } from '../../src/ui/header.js';
import { FIXTURE_NOW, fixtureStatus, fixtureWorkers } from '../fixtures/fleet-status.js';

const worker = fixtureWorkers[0];

describe('dashboard: integration and pull requests', () => {
  it('shows the pull request of the selected worker in its detail', () => {
    if (worker === undefined) throw new Error('fixture has no workers');
    const lines = detailLines({
      worker,
      tail: [],
      events: [],
      width: 100,
      height: 10,
      pullRequest: { url: 'https://github.com/o/r/pull/7', state: 'OPEN' },
    }).map((line) => line.text);
    expect(lines).toContain('PR: https://github.com/o/r/pull/7 (open)');
    expect(
      detailLines({ worker, tail: [], events: [], width: 100, height: 10 }).some((line) => line.text.startsWith('PR:')),
    ).toBe(false);
  });

  it("says in the header how much is integrated and the integration pull request's state", () => {
    const status: FleetStatus = {
      ...fixtureStatus,
      integration: {
        branch: 'czar/integration',
        holds: ['a', 'b'],
        leftOut: [],
        conflicts: [],
        pullRequests: [{ branch: 'czar/integration', url: 'https://github.com/o/r/pull/9', state: 'MERGED' }],
      },
    };
    const { lastFrame } = render(<Header status={status} now={FIXTURE_NOW} width={200} />);
    expect(lastFrame()).toContain(`integrated 2/${status.workers.length} · PR merged`);
    const without = render(<Header status={fixtureStatus} now={FIXTURE_NOW} width={200} />);
    expect(without.lastFrame()).not.toContain('integrated');
  });
});
