import { describe, expect, it } from 'vitest';
import type { ReviewSpec } from '../../src/domain/model/config-types.js';
import type { FleetModel } from '../../src/domain/model/model.js';
import type { ReviewObservation } from '../../src/domain/model/observations.js';
import type { Action } from '../../src/domain/policy/actions.js';
import { decide } from '../../src/domain/policy/decide.js';
import {
  alivePane,
  branchAt,
  doneReport,
  fleet,
  MINUTE,
  observe,
  only,
  SECOND,
  spec,
  T0,
  tick,
  worker,
} from '../helpers/fleet.js';

const REVIEW: ReviewSpec = {
  agent: { name: 'sim', preset: 'sim', command: 'czar-sim-agent', args: [], env: {} },
  roleText: undefined,
  maxRounds: 2,
  timeoutMs: 60_000,
  why: 'test',
};
const SHA1 = '1'.repeat(40);
const now = T0 + 10 * MINUTE;

/** Worker a (reviewed) done on SHA1, its review's latest word `run`; b has no reviewer. */
function reviewed(run: ReviewObservation | undefined): FleetModel {
  let model = tick(fleet([spec('a', { review: REVIEW }), spec('b')]), T0).fleet;
  model = observe(model, 'a', () => ({
    report: doneReport(now - MINUTE),
    git: branchAt(SHA1, 1, now - 2 * MINUTE),
    pane: alivePane(now - MINUTE),
  }));
  model = observe(model, 'b', () => ({ pane: alivePane(now - SECOND) }));
  model = tick(model, now).fleet;
  return run === undefined
    ? model
    : tick(
        observe(model, 'a', () => ({ reviewRun: run })),
        now + SECOND,
      ).fleet;
}

function retry(model: FleetModel, name = 'a') {
  return decide({ ...model, requests: [{ request: { id: 'r', kind: 'review', worker: name } }] }, now + 2 * SECOND);
}

function reply(actions: readonly Action[]) {
  return only(actions, 'reply').map(({ ok, message }) => ({ ok, message }));
}

const FAILED: ReviewObservation = { sha: SHA1, status: 'failed', problem: 'no valid verdict', at: now };

describe('czar review: the person retries a review', () => {
  it('after a review with no verdict, runs the review of the same tip again and clears the alert when it starts', () => {
    const failed = reviewed(FAILED);
    expect(worker(failed, 'a').memory.alerts.map((alert) => alert.kind)).toEqual(['review_failed']);
    const asked = retry(failed);
    expect(reply(asked.actions)).toEqual([{ ok: true, message: expect.stringContaining('runs again') as string }]);
    expect(only(asked.actions, 'run_review')).toEqual([
      expect.objectContaining({ worker: 'a', sha: SHA1, round: 2, again: true }),
    ]);
    // Queued, not started: the failed verdict still stands, and is not alerted twice.
    expect(decide(asked.fleet, now + 3 * SECOND).actions).toEqual([]);

    const started = observe(asked.fleet, 'a', () => ({ reviewRun: { sha: SHA1, status: 'running', at: now } }));
    const running = decide(started, now + 4 * SECOND);
    expect(only(running.actions, 'clear_alert')).toEqual([
      expect.objectContaining({ worker: 'a', alertKind: 'review_failed' }),
    ]);
    expect(worker(running.fleet, 'a').memory.alerts).toEqual([]);

    const approved = observe(running.fleet, 'a', () => ({ reviewRun: { sha: SHA1, status: 'approved', at: now } }));
    expect(worker(tick(approved, now + 5 * SECOND).fleet, 'a').memory.state).toBe('verified');
  });

  it('a second failure after the retry is alerted again', () => {
    const asked = retry(reviewed(FAILED));
    const running = tick(
      observe(asked.fleet, 'a', () => ({ reviewRun: { ...FAILED, status: 'running' } })),
      now,
    );
    const again = tick(
      observe(running.fleet, 'a', () => ({ reviewRun: { ...FAILED, at: now + MINUTE } })),
      now,
    );
    expect(only(again.actions, 'alert').map((action) => action.alert.kind)).toEqual(['review_failed']);
  });

  it('refuses in one sentence: no reviewer, nothing reviewed yet, a review running, an approved tip', () => {
    const refusal = (model: FleetModel, name = 'a') => {
      const answered = retry(model, name);
      expect(only(answered.actions, 'run_review')).toEqual([]);
      const [said] = reply(answered.actions);
      expect(said?.ok).toBe(false);
      return said?.message;
    };
    expect(refusal(reviewed(FAILED), 'b')).toBe(
      'Worker "b" has no reviewer; add "review:" to the config (fleet-wide or under the worker) to have its branch reviewed.',
    );
    const notYet = tick(fleet([spec('a', { review: REVIEW }), spec('b')]), T0).fleet;
    expect(refusal(observe(notYet, 'a', () => ({ git: branchAt(SHA1, 1, T0) })))).toMatch(
      /^Worker "a" has no review of its tip to run again; sim reviews it once/,
    );
    expect(refusal(reviewed(undefined))).toMatch(/^The review of a's tip 111111111111 is already running or queued/);
    expect(refusal(reviewed({ sha: SHA1, status: 'running', at: now }))).toMatch(/already running or queued/);
    expect(refusal(reviewed({ sha: SHA1, status: 'approved', at: now }))).toBe(
      "sim already approved a's tip 111111111111; a new commit is reviewed on its own.",
    );
  });
});
