import { describe, expect, it } from 'vitest';
import { reviewModeOf } from '../../src/agents/index.js';
import { checkBudgets, workerSpend } from '../../src/domain/policy/budget.js';
import { sprintMetrics, EMPTY_TALLY } from '../../src/domain/status/metrics.js';
import { reviewSpendEntries, type ReviewUsage } from '../../src/domain/usage/review-usage.js';
import { fleetStatus } from '../../src/domain/status/status-render.js';
import { simReviewAnswer } from '../../src/sim/review.js';
import { fleet, observe, policy, spec, T0, tick, worker } from '../helpers/fleet.js';

const prices = {
  'test-model': { input: 1, output: 2, cacheWrite: 0, cacheRead: 0 },
};
const MILLION = 1_000_000;

function used(model: string, input: number, output: number, costUsd?: number): ReviewUsage {
  return {
    model,
    tokens: { input, output, cacheWrite: 0, cacheRead: 0 },
    ...(costUsd === undefined ? {} : { costUsd }),
  };
}

describe('what reviews spend', () => {
  it('gives each review to the task current when it ended, and leaves out reviews from before the first task', () => {
    const tasks = [
      { id: 'a', at: T0 },
      { id: 'bonus-1', at: T0 + 1000 },
    ];
    const entries = reviewSpendEntries(
      [
        { sha: 's0', at: T0 - 1, usage: [used('test-model', 1, 1)] },
        { sha: 's1', at: T0 + 500, usage: [used('test-model', 10, 0), used('test-model', 5, 0)] },
        { sha: 's2', at: T0 + 2000, usage: [used('test-model', 7, 0)] },
        { sha: 's3', at: T0 + 3000 },
      ],
      tasks,
    );
    expect(entries.map((entry) => [entry.task, entry.sha, entry.usage.tokens.input])).toEqual([
      ['a', 's1', 10],
      ['a', 's1', 5],
      ['bonus-1', 's2', 7],
    ]);
  });

  it("adds the reviews to the worker's records in its spend, status, stats and budget, saying which part was review", () => {
    const start = tick(
      fleet([spec('a')], {
        policy: policy({
          budget: { worker: { usd: 10, tokens: undefined }, fleet: { usd: undefined, tokens: undefined } },
        }),
        prices,
      }),
      T0,
    );
    const model = observe(start.fleet, 'a', () => ({
      usage: {
        tasks: [
          { task: 'a', models: [{ model: 'test-model', input: 2 * MILLION, output: 0, cacheWrite: 0, cacheRead: 0 }] },
        ],
        files: 1,
        skippedLines: 0,
        lastAt: T0,
      },
      // One priced from the table ($1 + $2), one at the CLI's own dollars, one of a model with no price.
      reviewUsage: [
        { task: 'a', sha: 's1', usage: used('test-model', MILLION, MILLION / 2) },
        { task: 'a', sha: 's2', usage: used('claude-x', 1000, 0, 0.25) },
        { task: 'a', sha: 's2', usage: used('mystery', 500, 0) },
      ],
    }));
    expect(workerSpend(worker(model, 'a'), prices)).toEqual({
      usd: 2 + 2 + 0.25,
      tokens: 2 * MILLION + MILLION * 1.5 + 1500,
      unpriced: ['mystery'],
    });
    const status = fleetStatus(model, { project: 'p', startedAt: new Date(T0).toISOString(), now: T0 }, new Map());
    const usage = status.workers[0]?.usage;
    expect(usage?.usd).toBe(4.25);
    expect(usage?.review).toEqual({ reviews: 2, tokens: MILLION * 1.5 + 1500, usd: 2.25, unpricedModels: ['mystery'] });
    expect(usage?.tasks).toEqual([
      {
        task: 'a',
        tokens: 2 * MILLION + MILLION * 1.5 + 1500,
        usd: 4.25,
        unpricedModels: ['mystery'],
        reviewTokens: MILLION * 1.5 + 1500,
        reviewUsd: 2.25,
      },
    ]);
    const tally = {
      ...EMPTY_TALLY,
      tasks: [{ task: 'a', worker: 'a', from: T0, nudges: 0, restarts: 0, personActions: 0 }],
    };
    expect(sprintMetrics(status, tally, T0).tasks[0]?.reviewUsd).toBe(2.25);
    // A worker budget of $10 is not crossed at $4.25; at $2 it is, by the reviews alone.
    expect(checkBudgets(model, T0).actions.filter((action) => action.kind === 'interrupt')).toEqual([]);
    const tight = {
      ...model,
      policy: policy({
        budget: { worker: { usd: 3, tokens: undefined }, fleet: { usd: undefined, tokens: undefined } },
      }),
    };
    expect(checkBudgets(tight, T0).actions.some((action) => action.kind === 'alert')).toBe(true);
  });

  it('counts the reviews of a worker whose agent keeps no records, which stays unknown in the fleet', () => {
    const model = observe(tick(fleet([spec('a')], { policy: policy(), prices }), T0).fleet, 'a', () => ({
      reviewUsage: [{ task: 'a', sha: 's1', usage: used('test-model', MILLION, 0) }],
    }));
    const status = fleetStatus(model, { project: 'p', startedAt: new Date(T0).toISOString(), now: T0 }, new Map());
    expect(status.workers[0]?.usage).toMatchObject({ usd: 1, files: 0, review: { reviews: 1, usd: 1 } });
  });

  it('the simulated reviewer reports its scripted usage each round, and it is read back', () => {
    const answer = simReviewAnswer(
      'Review round 1 of 3\n@sim review usage 1200 300 claude-sonnet-4-5\n@sim review request_changes src/a.ts:1 major fix\n',
    );
    if (answer.kind !== 'print') throw new Error('expected a verdict');
    const read = reviewModeOf('sim')?.read(
      { stdout: answer.text, files: {} },
      { prompt: '', cwd: '', workDir: '', verdictSchema: {}, nonce: 'n' },
    );
    expect(read?.usage).toEqual(used('claude-sonnet-4-5', 1200, 300));
    expect(read?.verdict).toMatchObject({ verdict: 'request_changes' });
  });
});
