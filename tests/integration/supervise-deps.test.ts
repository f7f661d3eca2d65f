import { describe, expect, it } from 'vitest';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';

describe('czar supervision: dependencies', () => {
  it('releases a -> b -> c in order, each after its dependency reported done with a commit, and tells it what was delivered', async () => {
    const fx = await fleetFixture({
      workers: [
        { name: 'a', task: '# Step a\n@sim work 1 a\n@sim write src/a.ts export const a = 1;\\n\n@sim commit a: add a\n@sim result A-RESULT-91\n@sim done a in' },
        { name: 'b', depends_on: ['a'], task: '# Step b\n@sim write src/b.ts export const b = 2;\\n\n@sim commit b: add b\n@sim done b in' },
        { name: 'c', depends_on: ['b'], task: '# Step c\n@sim write src/c.ts export const c = 3;\\n\n@sim commit c: add c\n@sim done c in' },
      ],
    });
    await fx.launchWave();
    await fx.supervise();
    const status = await fx.waitForStatus((s) => s.workers.every((worker) => worker.state === 'done' && worker.git.commitsAhead === 1), { timeoutMs: 45_000, what: 'a, b and c done' });
    expect(status.sprintOver).toBe(true);
    expect(workerIn(status, 'a').tasks).toEqual(['a']);

    const events = await fx.events();
    const index = (kind: string, worker: string, match: (message: string) => boolean = () => true): number => {
      const at = events.findIndex((event) => event.kind === kind && event.worker === worker && match(event.message));
      expect(at, `${kind} of ${worker}`).toBeGreaterThanOrEqual(0);
      return at;
    };
    const done = (worker: string) => index('report', worker, (message) => message.startsWith('reported done'));
    // Launched only by the czar, once, after the dependency reported done (with its commit: done needs evidence).
    for (const [worker, dependency] of [['b', 'a'], ['c', 'b']] as const) {
      expect(events.filter((event) => event.kind === 'launch' && event.worker === worker)).toHaveLength(1);
      expect(index('launch', worker)).toBeGreaterThan(done(dependency));
      expect(index('session_started', worker)).toBeGreaterThan(done(dependency));
      expect(events.find((event) => event.kind === 'launch' && event.worker === worker)?.message).toContain(`dependencies done: ${dependency}`);
    }
    expect(done('c')).toBeGreaterThan(done('b'));

    // The dependent's first paste says what its dependency delivered: branch, commit, files, result file.
    const [briefB] = await fx.captures('b');
    expect(briefB).toMatch(/czar\/a/);
    expect(briefB).toContain('a: add a');
    expect(briefB).toContain('src/a.ts');
    expect(briefB).toContain('results/a.md');
    const [briefC] = await fx.captures('c');
    expect(briefC).toContain('b: add b');
    expect(briefC).not.toContain('a: add a');
  });
});
