import { describe, expect, it } from 'vitest';
import { boxLauncher, doorSpecOf } from '../../src/domain/model/box-network.js';
import { doorView, doorViewSchema, peerLines } from '../../src/domain/status/door-view.js';
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

describe('a worker’s entry in the network door', () => {
  const door = {
    worker: 'api',
    serial: 'x1',
    allow: ['127.0.0.1:8080'],
    loopbackPorts: [8080],
    proxyPort: 3128,
    credentials: { home: '/h', copy: '/c', files: ['.claude/.credentials.json'], lock: '/l' },
  };

  it('is read as czar writes it', () => {
    expect(doorSpecOf(door)).toEqual(door);
    expect(doorSpecOf(JSON.parse(JSON.stringify(door)))).toEqual(door);
  });

  it('refuses anything else: a field more or missing, a bad port, the proxy on an endpoint’s port', () => {
    const { allow: _allow, ...noAllow } = door;
    expect(doorSpecOf(noAllow)).toBeUndefined();
    expect(doorSpecOf({ ...door, extra: 1 })).toBeUndefined();
    expect(doorSpecOf({ ...door, allow: [1] })).toBeUndefined();
    expect(doorSpecOf({ ...door, loopbackPorts: [0] })).toBeUndefined();
    expect(doorSpecOf({ ...door, proxyPort: 70000 })).toBeUndefined();
    expect(doorSpecOf({ ...door, proxyPort: 8080 })).toBeUndefined();
    expect(doorSpecOf({ ...door, credentials: { home: '/h' } })).toBeUndefined();
    expect(doorSpecOf(null)).toBeUndefined();
  });
});

describe('the launcher inside a box', () => {
  it('keeps its script constant: the sockets, the ports and the agent’s words are arguments, never script', () => {
    const evil = ['agent', '$(touch /tmp/x)', '"; rm -rf ~ #', '--'];
    const argv = boxLauncher('/s/.czar/net', [8080, 3128], evil);
    const plain = boxLauncher('/other', [1], ['x']);
    expect(argv.slice(0, 3)).toEqual(plain.slice(0, 3));
    expect(argv.slice(3)).toEqual(['czar-box', '/s/.czar/net', '8080', '3128', '--', ...evil]);
  });
});
