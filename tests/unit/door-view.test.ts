import { describe, expect, it } from 'vitest';
import { doorSpecOf, relaySpecOf } from '../../src/domain/box-network.js';
import { doorView, doorViewSchema, peerLines } from '../../src/domain/door-view.js';
import { fixtureStatus } from '../fixtures/fleet-status.js';

describe('the view of the fleet in a boxed worker’s door', () => {
  it('holds its peers and not itself, bounded, and passes its own schema', () => {
    const long = 'x'.repeat(5000);
    const files = Array.from({ length: 100 }, (_, index) => `src/file-${index}.ts`);
    const status = {
      ...fixtureStatus,
      workers: fixtureStatus.workers.map((worker, index) =>
        index === 1 ? { ...worker, note: long, git: { ...worker.git, filesChanged: files, dirty: [] } } : worker,
      ),
    };
    const view = doorView(status, 'gateway', 'abc123');
    expect(view.peers.map((peer) => peer.name)).not.toContain('gateway');
    expect(view.peers).toHaveLength(status.workers.length - 1);
    const audit = view.peers.find((peer) => peer.name === 'audit');
    expect(audit?.note?.length).toBe(300);
    expect(audit?.files).toHaveLength(40);
    expect(audit?.moreFiles).toBe(60);
    expect(view.base).toBe('abc123');
    expect(doorViewSchema.safeParse(view).success).toBe(true);
  });

  it('prints a peer’s files, marking those the worker changes too, and the count beyond', () => {
    const view = doorView(fixtureStatus, 'gateway');
    const shared = view.peers.find((peer) => peer.files.length > 0);
    const lines = peerLines({ ...view, mine: shared === undefined ? [] : [shared.files[0] ?? ''] });
    expect(lines.some((line) => line.includes('(you too!)'))).toBe(shared !== undefined);
    expect(lines[0]).toMatch(/^\S+ \(\w+, branch \S+\): /);
  });
});

describe('the specs of the network door’s two halves', () => {
  const relay = { socket: '/s', ports: [8080], proxyPort: 3128, argv: ['agent'] };
  const door = { worker: 'api', socket: '/s', allow: ['127.0.0.1:8080'], stateDir: '/state', argv: ['bwrap'] };

  it('are read as czar writes them', () => {
    expect(relaySpecOf(relay)).toEqual(relay);
    expect(doorSpecOf(door)).toEqual(door);
  });

  it('refuse anything else: a field more or missing, a bad port, an empty command', () => {
    expect(relaySpecOf({ ...relay, extra: 1 })).toBeUndefined();
    expect(relaySpecOf({ ...relay, ports: [0] })).toBeUndefined();
    expect(relaySpecOf({ ...relay, proxyPort: 70000 })).toBeUndefined();
    expect(relaySpecOf({ ...relay, argv: [] })).toBeUndefined();
    const { allow: _allow, ...noAllow } = door;
    expect(doorSpecOf(noAllow)).toBeUndefined();
    expect(doorSpecOf({ ...door, allow: [1] })).toBeUndefined();
    expect(doorSpecOf(null)).toBeUndefined();
  });
});
