import { describe, expect, it } from 'vitest';
import { hostStatuses, MAX_HOST_REASON, unreachableHosts } from '../../src/domain/model/host-status.js';

const workers = [
  { name: 'a1', host: 'gpu1' },
  { name: 'l1', host: undefined },
  { name: 'b1', host: 'gpu2' },
  { name: 'a2', host: 'gpu1' },
];
const START = Date.parse('2026-01-01T10:00:00Z');

describe('hostStatuses', () => {
  it('lists each host that runs workers, with its workers, connecting until its stream said hello', () => {
    expect(hostStatuses(workers, new Map(), START)).toEqual([
      { name: 'gpu1', state: 'connecting', since: '2026-01-01T10:00:00.000Z', workers: ['a1', 'a2'] },
      { name: 'gpu2', state: 'connecting', since: '2026-01-01T10:00:00.000Z', workers: ['b1'] },
    ]);
    expect(hostStatuses([{ name: 'l1', host: undefined }], new Map(), START)).toEqual([]);
  });

  it('keeps the reason of an unreachable host bounded and its control characters visible, and drops it once it is back', () => {
    const reason = `Timeout, server \u001b]0;owned\u0007 not responding.${'x'.repeat(500)}`;
    const [cut] = hostStatuses(
      workers,
      new Map([['gpu1', { state: 'unreachable' as const, since: START + 5_000, reason }]]),
      START,
    );
    expect(cut).toMatchObject({ name: 'gpu1', state: 'unreachable', since: '2026-01-01T10:00:05.000Z' });
    expect(cut?.reason).toHaveLength(MAX_HOST_REASON);
    expect(cut?.reason).toMatch(/^Timeout, server ␛\]0;owned␇ not responding\.x+$/);
    const [back] = hostStatuses(
      workers,
      new Map([['gpu1', { state: 'reachable' as const, since: START + 9_000, reason: 'old' }]]),
      START,
    );
    expect(back).toEqual({
      name: 'gpu1',
      state: 'reachable',
      since: '2026-01-01T10:00:09.000Z',
      workers: ['a1', 'a2'],
    });
  });
});

describe('unreachableHosts', () => {
  it('holds the hosts whose link is down, not those connecting, streaming or refused', () => {
    const links = new Map([
      ['gpu1', { state: 'unreachable' as const, since: START, reason: 'Connection timed out' }],
      ['gpu2', { state: 'connecting' as const, since: START }],
      ['gpu3', { state: 'reachable' as const, since: START }],
      ['gpu4', { state: 'refused' as const, since: START, reason: 'another czar version' }],
    ]);
    expect([...unreachableHosts(links)]).toEqual(['gpu1']);
    expect([...unreachableHosts(undefined)]).toEqual([]);
  });
});
