import { describe, expect, it } from 'vitest';
import type { FleetModel } from '../../src/domain/model/model.js';
import type { ApiFailure } from '../../src/domain/model/words.js';
import { decide } from '../../src/domain/policy/decide.js';
import {
  alivePane,
  applyShell,
  commits,
  doneReport,
  fleet,
  MINUTE,
  observe,
  policy,
  SECOND,
  spec,
  T0,
  tick,
} from '../helpers/fleet.js';

const STEP = SECOND / 2;

/**
 * Lets time pass over a fleet with no new facts, deciding every STEP as a czar on a fast clock would. A decision that
 * changes nothing names when that may change (`lookAgainAt`); the fleet must then decide nothing before that moment,
 * because a quiet czar asks no sooner. Returns when something was decided (after `from`, where the facts are taken
 * in), so a scenario can say its rule fired.
 */
function walk(start: FleetModel, from: number, to: number): number[] {
  let model = start;
  for (let settle = 0; settle < 3; settle += 1) {
    const decision = decide(model, from);
    model = applyShell(decision.fleet, decision.actions, from);
  }
  let quietUntil = -Infinity;
  const decidedAt: number[] = [];
  for (let now = from + STEP; now <= to; now += STEP) {
    const decision = decide(model, now);
    if (decision.actions.length === 0 && decision.fleet === model) {
      quietUntil = decision.lookAgainAt ?? Infinity;
      continue;
    }
    const what = decision.actions.map((action) => `${action.kind} (${action.reason})`).join(', ');
    expect(now, `decided at +${(now - from) / SECOND} s with no new fact: ${what}`).toBeGreaterThanOrEqual(quietUntil);
    decidedAt.push(now - from);
    model = applyShell(decision.fleet, decision.actions, now);
    quietUntil = -Infinity;
  }
  return decidedAt;
}

/** One worker, launched and given its task at T0, whose facts are then `facts` and never change. */
function one(facts: Parameters<typeof observe>[2], overrides: Parameters<typeof spec>[1] = {}): FleetModel {
  const launched = tick(fleet([spec('a', overrides)], { policy: policy({ autoAnswer: [] }) }), T0).fleet;
  return observe(launched, 'a', facts);
}

describe('decide names every moment time alone changes its answer', () => {
  it('a quiet worker: idle, then each rung of the ladder after escalate_after', () => {
    const decided = walk(
      one(() => ({ pane: alivePane(T0) })),
      T0,
      T0 + 30 * MINUTE,
    );
    // idle_after (90 s), then nudge, re-brief, restart and the person, one escalate_after (5 min) apart.
    expect(decided.length).toBeGreaterThanOrEqual(4);
    expect(decided[0]).toBe(90 * SECOND);
    expect(decided[1]).toBe(90 * SECOND + 5 * MINUTE);
  });

  it('a crashed agent: restarted once its backoff is over', () => {
    const decided = walk(
      one(() => ({ pane: { ...alivePane(T0), alive: false, deadStatus: 1 } })),
      T0 + SECOND,
      T0 + 5 * MINUTE,
    );
    expect(decided).toContain(30 * SECOND);
  });

  it('a question the auto-answer did not clear: the person is asked after the grace', () => {
    const start = tick(
      fleet([spec('a')], { policy: policy({ autoAnswer: [{ match: 'Continue\\?', send: ['y', 'Enter'] }] }) }),
      T0,
    ).fleet;
    const asking = observe(start, 'a', () => ({
      pane: alivePane(T0, { screenWaiting: true, screen: 'Continue? (y/n)' }),
    }));
    const decided = walk(asking, T0 + SECOND, T0 + MINUTE);
    expect(decided).toEqual([10 * SECOND]);
  });

  it('a failed model call: the continue comes once the backoff is over', () => {
    const limited: ApiFailure = { kind: 'rate_limit', detail: 'API Error: 429' };
    const decided = walk(
      one(() => ({ pane: alivePane(T0 + SECOND, { apiFailure: limited }) })),
      T0 + 2 * SECOND,
      T0 + 10 * MINUTE,
    );
    expect(decided.length).toBeGreaterThanOrEqual(2);
  });

  it('a busy worker with no checkpoint reported: nudged at checkpoint_after', () => {
    const model = one(
      () => ({
        pane: alivePane(T0, { screenBusy: true }),
        report: { state: 'working', at: T0 + SECOND, progress: undefined, note: undefined, resultFile: undefined },
      }),
      { checkpoints: ['Lexer', 'Parser'] },
    );
    const busy = { ...model, policy: { ...model.policy, checkpointAfterMs: 2 * MINUTE } };
    const decided = walk(busy, T0 + 2 * SECOND, T0 + 15 * MINUTE);
    expect(decided).toContain(2 * MINUTE - 2 * SECOND);
  });

  it('a done claim with no commits: the ladder climbs while it stays so', () => {
    const decided = walk(
      one(() => ({ pane: alivePane(T0), report: doneReport(T0 + SECOND), git: commits(0, T0) })),
      T0 + 2 * SECOND,
      T0 + 20 * MINUTE,
    );
    expect(decided.length).toBeGreaterThanOrEqual(3);
  });

  it('a failed integration run: tried again once its backoff is over', () => {
    const done = one(() => ({
      pane: alivePane(T0),
      report: doneReport(T0 + SECOND),
      git: { ...commits(1, T0), lastCommit: { sha: 'b'.repeat(40), subject: 'work', at: new Date(T0).toISOString() } },
    }));
    const integration = {
      branch: 'czar/integration',
      record: undefined,
      running: false,
      // Seven failures in a row: the backoff is at its most, a minute.
      failures: 7,
      failedAt: T0 + MINUTE,
      lastAttempt: 'something else',
      plainShells: [],
      pullRequests: {},
      pullRequestsWhen: 'off' as const,
    };
    const decided = walk({ ...done, integration }, T0 + 2 * SECOND, T0 + 5 * MINUTE);
    expect(decided).toContain(2 * MINUTE - 2 * SECOND);
  });
});
