import { describe, expect, it } from 'vitest';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';

describe('czar supervision: dependencies', () => {
  it('releases a -> b -> c in order, each after its dependency reported done with a commit, and tells it what was delivered', async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'a',
          task: '# Step a\n@sim work 1 a\n@sim write src/a.ts export const a = 1;\\n\n@sim commit a: add a\n@sim result A-RESULT-91\n@sim done a in',
        },
        {
          name: 'b',
          depends_on: ['a'],
          task: '# Step b\n@sim write src/b.ts export const b = 2;\\n\n@sim commit b: add b\n@sim done b in',
        },
        {
          name: 'c',
          depends_on: ['b'],
          task: '# Step c\n@sim write src/c.ts export const c = 3;\\n\n@sim commit c: add c\n@sim done c in',
        },
      ],
    });
    await fx.launchWave();
    await fx.supervise();
    // The sprint is over once the three are done and in the integration branch.
    const status = await fx.waitForStatus(
      (s) => s.workers.every((worker) => worker.state === 'done' && worker.git.commitsAhead === 1) && s.sprintOver,
      { timeoutMs: 45_000, what: 'a, b and c done, and the sprint over' },
    );
    expect(status.integration?.holds.slice().sort()).toEqual(['a', 'b', 'c']);
    expect(workerIn(status, 'a').tasks).toEqual(['a']);

    const events = await fx.events();
    const index = (kind: string, worker: string, match: (message: string) => boolean = () => true): number => {
      const at = events.findIndex((event) => event.kind === kind && event.worker === worker && match(event.message));
      expect(at, `${kind} of ${worker}`).toBeGreaterThanOrEqual(0);
      return at;
    };
    const done = (worker: string) => index('report', worker, (message) => message.startsWith('reported done'));
    // Launched only by the czar, once, after the dependency reported done (with its commit: done needs evidence).
    for (const [worker, dependency] of [
      ['b', 'a'],
      ['c', 'b'],
    ] as const) {
      expect(events.filter((event) => event.kind === 'launch' && event.worker === worker)).toHaveLength(1);
      expect(index('launch', worker)).toBeGreaterThan(done(dependency));
      expect(index('session_started', worker)).toBeGreaterThan(done(dependency));
      expect(events.find((event) => event.kind === 'launch' && event.worker === worker)?.message).toContain(
        `dependencies done: ${dependency}`,
      );
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

  it('with checks, starts the dependent only once its dependency is verified, not when it reports done', async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'a',
          task: '# Step a\n@sim write src/a.ts export const a = 1;\\n\n@sim commit a: add a\n@sim done a in',
        },
        {
          name: 'b',
          depends_on: ['a'],
          task: '# Step b\n@sim write src/b.ts export const b = 2;\\n\n@sim commit b: add b\n@sim done b in',
        },
      ],
      // Slow enough that a dependent released on done would start while the check still runs.
      checks: [{ name: 'slow', run: 'sleep 1; test -f README.md', timeout: '30s' }],
      policy: { idle_after: '1m', escalate_after: '1m' },
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((s) => s.workers.every((worker) => worker.state === 'verified'), {
      timeoutMs: 60_000,
      what: 'a and b verified',
    });
    const events = await fx.events();
    const verifiedA = events.findIndex(
      (event) => event.worker === 'a' && event.kind === 'state' && event.message.includes('-> verified'),
    );
    const launchB = events.findIndex((event) => event.worker === 'b' && event.kind === 'launch');
    expect(verifiedA).toBeGreaterThan(
      events.findIndex((event) => event.worker === 'a' && event.kind === 'checks_passed'),
    );
    expect(launchB).toBeGreaterThan(verifiedA);
    expect(events[launchB]?.message).toContain('dependencies done: a');
  });
});
