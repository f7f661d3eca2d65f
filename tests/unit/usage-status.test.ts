import { describe, expect, it } from 'vitest';
import { fleetStatus } from '../../src/domain/status/status-render.js';
import { fleet, observe, policy, spec, T0, tick } from '../helpers/fleet.js';

const HOUR = 3_600_000;

const prices = { 'test-model': { input: 1, output: 0, cacheWrite: 0, cacheRead: 0 } };

describe('the fleet usage in status.json', () => {
  // The czar rewrites status.json whenever its content changes: a burn rate that moved with every pass would
  // rewrite it every second in a quiet fleet.
  it('gives the burn rate as of the heartbeat, so the status of a quiet fleet does not change between beats', () => {
    const spent = observe(tick(fleet([spec('a')], { policy: policy(), prices }), T0).fleet, 'a', () => ({
      usage: {
        tasks: [
          { task: 'a', models: [{ model: 'test-model', input: 2_000_000, output: 0, cacheWrite: 0, cacheRead: 0 }] },
        ],
        files: 1,
        skippedLines: 0,
        lastAt: T0,
      },
    }));
    const at = (now: number): ReturnType<typeof fleetStatus> =>
      fleetStatus(spent, { project: 'p', startedAt: new Date(T0).toISOString(), now, ratesAt: T0 + HOUR }, new Map());
    expect(at(T0 + HOUR).usage?.usdPerHour).toBe(2);
    expect({ ...at(T0 + HOUR + 14_000), updatedAt: '' }).toEqual({ ...at(T0 + HOUR), updatedAt: '' });
  });
});
