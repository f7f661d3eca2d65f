import { describe, expect, it } from 'vitest';
import { statusLines } from '../../src/cli/commands/status.js';
import { FIXTURE_NOW, fixtureStatus } from '../fixtures/fleet-status.js';

const MINUTE = 60_000;

describe('czar status with an old heartbeat', () => {
  const beatAgo = (ms: number) => ({
    ...fixtureStatus,
    supervisor: { pid: 48213, heartbeatAt: new Date(FIXTURE_NOW - ms).toISOString() },
  });

  it('says nothing while the czar beats', () => {
    expect(statusLines(beatAgo(40_000), FIXTURE_NOW, 0).join('\n')).not.toMatch(/heartbeat/);
  });

  it('says the state dir is full when its disk has no room', () => {
    expect(statusLines(beatAgo(5 * MINUTE), FIXTURE_NOW, 0)[1]).toBe(
      "  the czar's last heartbeat is 5 min old, so what follows may be out of date: state dir full (0 bytes free on its disk); free space there and the czar writes again by itself.",
    );
  });

  it('says status.json is not being written otherwise', () => {
    expect(statusLines(beatAgo(2 * MINUTE), FIXTURE_NOW, 10_000_000)[1]).toBe(
      `  the czar's last heartbeat is 2 min old, so what follows may be out of date: the czar is not writing status.json; see "czar log" for its last events.`,
    );
  });
});
