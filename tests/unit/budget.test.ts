import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/domain/model/units.js';
import { resumeBudget } from '../../src/domain/policy/budget.js';
import type { FleetModel } from '../../src/domain/model/model.js';
import type { ReportObservation } from '../../src/domain/model/observations.js';
import { decide } from '../../src/domain/policy/decide.js';
import type { Action } from '../../src/domain/policy/actions.js';
import {
  alivePane,
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
  worker,
  inputUsage,
  TEST_PRICES,
} from '../helpers/fleet.js';

function budgeted(
  worker: { usd?: number; tokens?: number },
  fleetLimits: { usd?: number; tokens?: number } = {},
  extra: Partial<FleetModel> = {},
): FleetModel {
  const budget = {
    worker: { usd: worker.usd, tokens: worker.tokens },
    fleet: { usd: fleetLimits.usd, tokens: fleetLimits.tokens },
  };
  return tick(fleet([spec('a'), spec('b')], { policy: policy({ budget }), prices: TEST_PRICES, ...extra }), T0).fleet;
}

const working = (at: number): Partial<ReportObservation> & ReportObservation => ({
  state: 'working',
  at,
  progress: undefined,
  note: undefined,
  resultFile: undefined,
});
const of = <K extends Action['kind']>(actions: readonly Action[], kind: K): Extract<Action, { kind: K }>[] =>
  actions.filter((action): action is Extract<Action, { kind: K }> => action.kind === kind);

describe('budgets', () => {
  it('warns once at 80% of a worker budget', () => {
    const now = T0 + MINUTE;
    const model = observe(budgeted({ usd: 1 }), 'a', () => ({
      usage: inputUsage(850_000),
      pane: alivePane(now),
      report: working(now),
    }));
    const first = decide(model, now);
    expect(of(first.actions, 'alert').map((action) => action.alert.message)).toEqual([
      'has spent 85% of its budget ($0.85 of $1)',
    ]);
    expect(of(first.actions, 'interrupt')).toEqual([]);
    expect(decide(first.fleet, now + SECOND).actions.filter((action) => action.kind === 'alert')).toEqual([]);
  });

  it('at 100% interrupts the turn once, marks the worker over_budget, tells the person and sends it nothing more', () => {
    const now = T0 + MINUTE;
    const model = observe(budgeted({ tokens: 1_000_000 }), 'a', () => ({
      usage: inputUsage(1_000_000),
      pane: alivePane(now),
      report: working(now),
      git: commits(1, now),
    }));
    const { actions, fleet: next } = decide(model, now);
    expect(of(actions, 'interrupt').map((action) => action.worker)).toEqual(['a']);
    expect(of(actions, 'notify').map((action) => action.episode)).toEqual(['over_budget']);
    expect(worker(next, 'a').memory.state).toBe('over_budget');
    expect(worker(next, 'b').memory.state).not.toBe('over_budget');
    // Long quiet afterwards: no nudge, re-brief or restart, and no second interrupt.
    const later = decide(next, now + 30 * MINUTE);
    expect(later.actions.filter((action) => action.worker === 'a' && action.kind !== 'event')).toEqual([]);
    expect(worker(later.fleet, 'a').memory.state).toBe('over_budget');
  });

  it('lets the worker go on when the budget is raised, and gives it a fresh budget when the person resumes it', () => {
    const now = T0 + MINUTE;
    const over = decide(
      observe(budgeted({ usd: 1 }), 'a', () => ({ usage: inputUsage(1_200_000), pane: alivePane(now) })),
      now,
    ).fleet;
    expect(worker(over, 'a').memory.state).toBe('over_budget');
    const raised = decide(
      {
        ...over,
        policy: policy({
          budget: { worker: { usd: 2, tokens: undefined }, fleet: { usd: undefined, tokens: undefined } },
        }),
      },
      now + SECOND,
    );
    expect(of(raised.actions, 'event').map((action) => action.event)).toContain('budget_raised');
    expect(worker(raised.fleet, 'a').memory.state).not.toBe('over_budget');

    const resumed = resumeBudget(over, 'a');
    expect(worker(decide(resumed, now + SECOND).fleet, 'a').memory.state).not.toBe('over_budget');
    // The fresh budget counts from the resume: another dollar later it is over again.
    const spentAgain = decide(
      observe(resumed, 'a', () => ({ usage: inputUsage(2_200_000) })),
      now + 2 * SECOND,
    );
    expect(worker(spentAgain.fleet, 'a').memory.state).toBe('over_budget');
  });

  it('does not make up a price: an unknown model counts toward a tokens budget only', () => {
    const now = T0 + MINUTE;
    const model = observe(budgeted({ usd: 1 }), 'a', () => ({
      usage: inputUsage(50_000_000, 'mystery-model'),
      pane: alivePane(now),
    }));
    const { actions } = decide(model, now);
    expect(of(actions, 'interrupt')).toEqual([]);
    expect(formatUsd({ usd: 0, unpriced: ['mystery-model'] })).toBe('cost unknown');
    expect(formatUsd({ usd: 1.5, unpriced: ['mystery-model'] })).toBe('$1.50+?');
  });

  it('never stops an agent whose usage is unknown', () => {
    const now = T0 + MINUTE;
    const { actions } = decide(
      observe(budgeted({ usd: 0.01, tokens: 1 }), 'a', () => ({ pane: alivePane(now) })),
      now,
    );
    expect(of(actions, 'interrupt')).toEqual([]);
  });

  it('holds the bonus queue once the fleet budget is spent', () => {
    const now = T0 + 10 * MINUTE;
    const done = (model: FleetModel): FleetModel =>
      observe(model, 'a', () => ({
        report: { state: 'done', at: now - MINUTE, progress: 100, note: undefined, resultFile: undefined },
        git: commits(1, now - 2 * MINUTE),
        pane: alivePane(now - MINUTE),
        usage: inputUsage(600_000),
      }));
    const spent = done(
      observe(budgeted({}, { usd: 1 }, { queue: [bonusTask('extra')] }), 'b', () => ({
        usage: inputUsage(500_000, 'test-model', 'b'),
      })),
    );
    const held = decide(spent, now);
    expect(of(held.actions, 'bonus')).toEqual([]);
    expect(of(held.actions, 'event').map((action) => action.event)).toContain('fleet_budget_spent');
    expect(held.fleet.queue.map((task) => task.id)).toEqual(['extra']);
    const under = done(
      observe(budgeted({}, { usd: 2 }, { queue: [bonusTask('extra')] }), 'b', () => ({
        usage: inputUsage(500_000, 'test-model', 'b'),
      })),
    );
    expect(of(decide(under, now).actions, 'bonus').map((action) => action.worker)).toEqual(['a']);
  });

  describe("a person's budget request (czar budget, the page's button)", () => {
    const now = T0 + MINUTE;
    const ask = (model: FleetModel, worker: string | undefined, usd: number): FleetModel => ({
      ...model,
      requests: [
        { request: worker === undefined ? { id: 'r', kind: 'budget', usd } : { id: 'r', kind: 'budget', worker, usd } },
      ],
    });
    const replies = (actions: readonly Action[]) => of(actions, 'reply').map(({ ok, message }) => ({ ok, message }));

    it("raises one worker's dollar limit in the czar's memory: it goes on, and a later pass still counts the new limit", () => {
      const over = decide(
        observe(budgeted({ usd: 1 }), 'a', () => ({ usage: inputUsage(1_200_000), pane: alivePane(now) })),
        now,
      ).fleet;
      expect(worker(over, 'a').memory.state).toBe('over_budget');
      const raised = decide(ask(over, 'a', 2), now + SECOND);
      expect(replies(raised.actions)).toEqual([{ ok: true, message: 'set the budget of a to $2 (it was $1)' }]);
      expect(of(raised.actions, 'event').map((action) => action.event)).toEqual(
        expect.arrayContaining(['budget_set', 'budget_raised']),
      );
      expect(worker(raised.fleet, 'a').memory.state).not.toBe('over_budget');
      // The other worker keeps the policy's limit; a again is over once it spends past the raised one.
      expect(raised.fleet.policy.budget.setUsd).toEqual({ a: 2 });
      const later = decide(
        observe(raised.fleet, 'a', () => ({ usage: inputUsage(1_900_000) })),
        now + 2 * SECOND,
      );
      expect(worker(later.fleet, 'a').memory.state).not.toBe('over_budget');
      const past = decide(
        observe(later.fleet, 'a', () => ({ usage: inputUsage(2_100_000) })),
        now + 3 * SECOND,
      );
      expect(worker(past.fleet, 'a').memory.state).toBe('over_budget');
    });

    it('counts a raised limit against all the worker spent, even after a resume gave it a fresh start', () => {
      const over = decide(
        observe(budgeted({ usd: 1 }), 'a', () => ({ usage: inputUsage(1_200_000), pane: alivePane(now) })),
        now,
      ).fleet;
      const resumed = resumeBudget(over, 'a');
      const lowered = decide(ask(resumed, 'a', 1.1), now + SECOND);
      expect(worker(lowered.fleet, 'a').memory.state).toBe('over_budget');
    });

    it('raises the fleet limit: the held bonus queue is handed out again', () => {
      const spent = observe(
        observe(budgeted({}, { usd: 1 }, { queue: [bonusTask('extra')] }), 'b', () => ({
          usage: inputUsage(500_000, 'test-model', 'b'),
        })),
        'a',
        () => ({
          report: { state: 'done', at: now - SECOND, progress: 100, note: undefined, resultFile: undefined },
          git: commits(1, now - 2 * SECOND),
          pane: alivePane(now - SECOND),
          usage: inputUsage(600_000),
        }),
      );
      const held = decide(spent, now);
      expect(of(held.actions, 'bonus')).toEqual([]);
      const raised = decide(ask(held.fleet, undefined, 5), now + SECOND);
      expect(replies(raised.actions)).toEqual([{ ok: true, message: 'set the fleet budget to $5 (it was $1)' }]);
      expect(raised.fleet.policy.budget.fleet.usd).toBe(5);
      expect(of(raised.actions, 'bonus').map((action) => action.worker)).toEqual(['a']);
    });
  });
});
