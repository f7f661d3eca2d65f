import { describe, expect, it } from 'vitest';
import type { Policy } from '../../src/domain/model/config-types.js';
import type { FleetModel } from '../../src/domain/model/model.js';
import { decide } from '../../src/domain/policy/decide.js';
import type { ReportObservation } from '../../src/domain/model/observations.js';
import {
  alivePane,
  applyShell,
  bonusTask,
  commits,
  fleet,
  MINUTE,
  observe,
  policy,
  SECOND,
  spec,
  T0,
  tick,
  inputUsage,
  TEST_PRICES,
} from '../helpers/fleet.js';
import { propertySeed, random } from '../helpers/property.js';

/**
 * Counts the reads of idle_after and stuck_after: only a worker's own rules (its state, its ladder) read them, so the
 * count tells how many workers' own rules a pass ran, with no hook in the code under test.
 */
const reads = { count: 0 };

function counted(rules: Policy): Policy {
  return new Proxy(rules, {
    get(target, key, receiver) {
      if (key === 'idleAfterMs' || key === 'stuckAfterMs') reads.count += 1;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

function working(at: number, note: string): ReportObservation {
  return { state: 'working', at, progress: undefined, note, resultFile: undefined };
}

const budget = { worker: { usd: 100, tokens: undefined }, fleet: { usd: 100_000, tokens: undefined } };

/**
 * `count` launched workers, each with a commit of its own, a live pane and some spend against a budget, settled: a
 * pass on them decides nothing.
 */
function settledFleet(count: number): { model: FleetModel; now: number } {
  const names = Array.from({ length: count }, (_, i) => `w${i + 1}`);
  let model = tick(
    fleet(
      names.map((name) => spec(name)),
      { policy: counted(policy({ maxActive: count, launchConcurrency: count, budget })), prices: TEST_PRICES },
    ),
    T0,
  ).fleet;
  const now = T0 + 10 * SECOND;
  const usage = inputUsage(1000, 'test-model', 'own');
  for (const name of names)
    model = observe(model, name, () => ({ git: commits(1, now, [`src/${name}.ts`]), pane: alivePane(now), usage }));
  for (let pass = 1; pass <= 3; pass += 1) model = decide(model, now + pass * SECOND).fleet;
  return { model, now: now + 3 * SECOND };
}

/** How many reads a pass at `at` after `change` makes, in a settled fleet of `size`. */
function readsOfPass(size: number, change: (model: FleetModel, now: number) => FleetModel, after: number): number {
  const { model, now } = settledFleet(size);
  const changed = change(model, now);
  reads.count = 0;
  decide(changed, now + after);
  return reads.count;
}

describe('a pass runs the own rules only of the workers whose inputs changed', () => {
  it("runs one worker's rules for its report, in a fleet of 40 as in a fleet of one", () => {
    const report = (model: FleetModel, now: number): FleetModel =>
      observe(model, 'w1', () => ({ report: working(now + SECOND, 'step two') }));
    const alone = readsOfPass(1, report, SECOND);
    expect(alone).toBeGreaterThan(0);
    expect(readsOfPass(40, report, SECOND)).toBe(alone);
  });

  it("runs every worker's rules when the fleet-wide rules change (a pause)", () => {
    const pause = (model: FleetModel): FleetModel => ({ ...model, paused: true });
    expect(readsOfPass(5, pause, SECOND)).toBe(5 * readsOfPass(1, pause, SECOND));
  });

  it("runs a quiet worker's rules again once its own deadline comes (idle_after)", () => {
    const nothing = (model: FleetModel): FleetModel => model;
    const late = policy().idleAfterMs;
    const alone = readsOfPass(1, nothing, late);
    expect(alone).toBeGreaterThan(0);
    expect(readsOfPass(5, nothing, late)).toBe(5 * alone);
    expect(readsOfPass(5, nothing, SECOND)).toBe(0);
  });
});

/** One random fact or the passing of time, applied to a fleet. */
type Step = (model: FleetModel, now: number) => FleetModel;

function randomStep(next: () => number, names: readonly string[]): { step: Step; wait: number } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const name = pick(names);
  const waits = [0, 200, SECOND, 5 * SECOND, 40 * SECOND, 2 * MINUTE, 6 * MINUTE];
  const wait = pick(waits);
  // Every random draw happens here: the step is applied to two fleets and must do the same to both.
  const note = `note ${Math.floor(next() * 5)}`;
  const ended = pick(['idle', 'done', 'blocked', 'waiting'] as const);
  const coin = next() < 0.5;
  const other = pick(names.filter((peer) => peer !== name));
  const files = [`src/${name}.ts`, 'src/shared.ts', 'README.md'];
  const touched = [pick(files), pick(files)];
  const steps: Step[] = [
    (model) => model,
    (model, now) => observe(model, name, () => ({ report: working(now, note) })),
    (model, now) =>
      observe(model, name, () => ({
        report: { state: ended, at: now, progress: undefined, note: 'n', resultFile: undefined },
      })),
    (model, now) =>
      observe(model, name, (worker) => ({ pane: { ...(worker.pane ?? alivePane(now)), lastOutputAt: now } })),
    (model, now) =>
      observe(model, name, (worker) => ({
        pane: { ...(worker.pane ?? alivePane(now)), screenWaiting: coin, screen: '? Continue (y/n)' },
      })),
    (model) =>
      observe(model, name, (worker) => ({
        pane: { ...(worker.pane ?? alivePane(T0)), alive: false, deadStatus: coin ? 0 : 1 },
      })),
    (model, now) =>
      observe(model, name, (worker) => ({
        git: commits(worker.git.commitsAhead + 1, now, touched),
      })),
    (model) => ({ ...model, paused: !model.paused }),
    // Spend against a small budget: warnings, then over budget.
    (model, now) =>
      observe(model, name, (worker) => ({
        usage: inputUsage((worker.usage?.tasks[0]?.models[0]?.input ?? 0) + 20_000, 'test-model', 'own', now),
      })),
    // A reloaded config with another idle_after.
    (model) => ({
      ...model,
      policy: counted({
        ...model.policy,
        idleAfterMs: model.policy.idleAfterMs === 90 * SECOND ? 30 * SECOND : 90 * SECOND,
      }),
    }),
    (model) => ({ ...model, conflicts: coin ? [{ worker: name, peer: other, files: ['src/shared.ts'] }] : [] }),
    (model, now) =>
      observe(model, name, (worker) => ({
        checkRun: {
          sha: worker.git.lastCommit?.sha ?? '',
          status: coin ? 'passed' : 'failed',
          at: now,
          ...(coin
            ? {}
            : { failure: { name: 'unit', run: 'npm test', exitCode: 1, timedOut: false, tail: 'x', logFile: 'l' } }),
        },
      })),
  ];
  return { step: pick(steps), wait };
}

describe('deciding on a fleet that kept its unchanged workers equals deciding on a fresh copy', () => {
  it('gives the same actions, fleet and next look over random facts and waits', () => {
    const seed = propertySeed('decide at rest');
    const next = random(seed);
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const start = fleet(
      names.map((name, index) =>
        spec(name, {
          scope: [`src/${name}.ts`, 'src/shared.ts'],
          checks: index % 2 === 0 ? [{ name: 'unit', run: 'npm test', timeoutMs: MINUTE }] : [],
        }),
      ),
      {
        policy: counted(
          policy({
            maxActive: 4,
            budget: { worker: { usd: 0.1, tokens: undefined }, fleet: { usd: 0.3, tokens: undefined } },
          }),
        ),
        prices: TEST_PRICES,
        queue: [bonusTask('x1'), bonusTask('x2')],
      },
    );
    let kept = start;
    let copied = start;
    let now = T0;
    let readsKept = 0;
    let readsCopy = 0;
    for (let index = 0; index < 400; index += 1) {
      const { step, wait } = randomStep(next, names);
      now += wait;
      kept = step(kept, now);
      copied = step(copied, now);
      const policyCopy = counted({ ...copied.policy });
      const copy = { ...structuredClone({ ...copied, policy: undefined }), policy: policyCopy };
      reads.count = 0;
      const fromKept = decide(kept, now);
      readsKept += reads.count;
      reads.count = 0;
      const fromCopy = decide(copy, now);
      readsCopy += reads.count;
      const context = `seed ${seed}, step ${index}`;
      expect(fromKept.actions, context).toEqual(fromCopy.actions);
      expect(fromKept.lookAgainAt, context).toEqual(fromCopy.lookAgainAt);
      expect(fromKept.fleet, context).toEqual(fromCopy.fleet);
      kept = applyShell(fromKept.fleet, fromKept.actions, now);
      copied = applyShell(fromCopy.fleet, fromCopy.actions, now);
    }
    // The walk is worth something only if workers did rest in it.
    expect(readsKept).toBeLessThan(readsCopy * 0.8);
  });
});
