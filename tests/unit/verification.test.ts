import { describe, expect, it } from 'vitest';
import type { FleetModel } from '../../src/domain/model/model.js';
import type { CheckRunObservation } from '../../src/domain/model/observations.js';
import { emptyRecord } from '../../src/domain/policy/integration-plan.js';
import { giveFixup } from '../../src/domain/policy/integration-fixup.js';
import { decide } from '../../src/domain/policy/decide.js';
import { sprintOver } from '../../src/domain/status/status-render.js';
import type { CheckSpec } from '../../src/domain/model/config-types.js';
import { checkKey, keptRun, type CheckVerdict } from '../../src/domain/policy/verification.js';
import {
  alivePane,
  bonusTask,
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

const CHECKS: readonly CheckSpec[] = [
  { name: 'test', run: 'npm test', timeoutMs: 60_000 },
  { name: 'lint', run: 'npm run lint', timeoutMs: 60_000 },
];
const SHA1 = '1'.repeat(40);
const SHA2 = '2'.repeat(40);

function failed(sha: string): CheckRunObservation {
  return {
    sha,
    status: 'failed',
    at: T0,
    failure: {
      name: 'test',
      run: 'npm test',
      exitCode: 1,
      timedOut: false,
      tail: 'FAIL src/a.test.ts\nexpected 2, got 3',
      logFile: `/s/.czar/checks/a/${sha}.log`,
    },
  };
}

/** Worker a (with checks) launched and delivered at T0, then done on SHA1 a minute before `now`; b keeps working. */
function claimedDone(now: number, queue = [bonusTask('extra')]): FleetModel {
  let model = tick(fleet([spec('a', { checks: CHECKS }), spec('b')], { queue }), T0).fleet;
  model = observe(model, 'a', () => ({
    report: doneReport(now - MINUTE),
    git: branchAt(SHA1, 1, now - 2 * MINUTE),
    pane: alivePane(now - MINUTE),
  }));
  return observe(model, 'b', () => ({ pane: alivePane(now - SECOND) }));
}

describe('decide: done means verified', () => {
  const now = T0 + 10 * MINUTE;

  it('asks for the checks on the done tip once, and holds the bonus task until they pass', () => {
    const first = tick(claimedDone(now), now);
    expect(only(first.actions, 'run_checks')).toEqual([
      { kind: 'run_checks', worker: 'a', sha: SHA1, reason: expect.stringContaining('test, lint must pass') as string },
    ]);
    expect(only(first.actions, 'bonus')).toEqual([]);
    expect(worker(first.fleet, 'a').memory.state).toBe('done');
    expect(decide(first.decided, now).actions).toEqual([]);
  });

  it('a pass on the tip makes the worker verified, and only then free for a bonus task', () => {
    let model = tick(claimedDone(now), now).fleet;
    model = observe(model, 'a', () => ({ checkRun: { sha: SHA1, status: 'passed', at: now } }));
    const next = tick(model, now + SECOND);
    expect(only(next.actions, 'event').map((event) => event.message)).toContain('done -> verified');
    expect(only(next.actions, 'bonus').map((action) => action.worker)).toEqual(['a']);
    expect(worker(next.fleet, 'a').memory.state).toBe('working');
  });

  it('a pass on an older commit does not count: the tip is checked again', () => {
    let model = tick(claimedDone(now), now).fleet;
    model = observe(model, 'a', () => ({ checkRun: { sha: SHA2, status: 'passed', at: now } }));
    const next = tick(model, now + SECOND);
    expect(worker(next.fleet, 'a').memory.state).toBe('done');
    expect(only(next.actions, 'bonus')).toEqual([]);
  });

  it('a failure sends one fix-up naming the check, its command and output, and the worker goes back to working', () => {
    let model = tick(claimedDone(now), now).fleet;
    model = observe(model, 'a', () => ({ checkRun: failed(SHA1) }));
    const next = tick(model, now + SECOND);
    const [fixup] = only(next.actions, 'fixup');
    expect(fixup?.failure).toMatchObject({
      name: 'test',
      run: 'npm test',
      exitCode: 1,
      tail: expect.stringContaining('expected 2, got 3') as string,
    });
    expect(fixup?.sha).toBe(SHA1);
    expect(only(next.actions, 'alert').map((action) => action.alert)).toEqual([
      expect.objectContaining({
        kind: 'checks_failed',
        message: `check "test" (npm test) exited with 1 on ${SHA1.slice(0, 12)}`,
      }),
    ]);
    const a = worker(next.fleet, 'a');
    expect(a.memory.state).toBe('working');
    expect(a.memory.ladder.rung).toBe('nudge');
    expect(only(next.actions, 'bonus')).toEqual([]);
    expect(decide(next.decided, now + SECOND).actions).toEqual([]);
  });

  it('a new commit after the fix-up runs the checks again, and their pass clears the alert', () => {
    let model = tick(claimedDone(now), now).fleet;
    model = tick(
      observe(model, 'a', () => ({ checkRun: failed(SHA1) })),
      now + SECOND,
    ).fleet;
    const later = now + 5 * MINUTE;
    model = observe(model, 'a', () => ({
      report: doneReport(later - SECOND),
      git: branchAt(SHA2, 2, later - 2 * SECOND),
      pane: alivePane(later - SECOND),
    }));
    const again = tick(model, later);
    expect(only(again.actions, 'run_checks').map((action) => action.sha)).toEqual([SHA2]);
    const passed = tick(
      observe(again.fleet, 'a', () => ({ checkRun: { sha: SHA2, status: 'passed', at: later } })),
      later + SECOND,
    );
    expect(only(passed.actions, 'clear_alert').map((action) => action.alertKind)).toContain('checks_failed');
    expect(only(passed.actions, 'bonus').map((action) => action.worker)).toEqual(['a']);
  });

  it('the ladder counts fix-ups: done claimed again on the same failing commit climbs it, then the person is told', () => {
    let model = tick(claimedDone(now, []), now).fleet;
    model = observe(model, 'a', () => ({ checkRun: failed(SHA1) }));
    const rungs: string[] = [];
    const notified: string[] = [];
    let at = now;
    for (let claim = 0; claim < 5; claim++) {
      at += MINUTE;
      const step = tick(
        observe(model, 'a', () => ({ report: doneReport(at - SECOND) })),
        at,
      );
      rungs.push(...only(step.actions, 'fixup').map(() => worker(step.fleet, 'a').memory.ladder.rung));
      notified.push(...only(step.actions, 'notify').map((action) => `${action.episode}: ${action.summary}`));
      model = step.fleet;
    }
    expect(rungs).toEqual(['nudge', 'rebrief', 'restart']);
    expect(notified).toEqual([expect.stringMatching(/^stalled: a keeps reporting done while check "test"/)]);
  });

  it('checks czar would not run (no box for a boxed worker) alert the person once, message no one, and a pass clears it', () => {
    let model = tick(claimedDone(now), now).fleet;
    const why =
      'the checks of worker "a" must run in a box (sandbox: required), and this machine has no sandbox engine now';
    model = observe(model, 'a', () => ({ checkRun: { sha: SHA1, status: 'unrun', why, at: now } }));
    const unrun = tick(model, now + SECOND);
    expect(only(unrun.actions, 'alert').map((action) => [action.alert.kind, action.alert.message])).toEqual([
      ['checks_unrun', `the checks of ${SHA1.slice(0, 12)} were not run: ${why}`],
    ]);
    expect([
      ...only(unrun.actions, 'fixup'),
      ...only(unrun.actions, 'bonus'),
      ...only(unrun.actions, 'run_checks'),
    ]).toEqual([]);
    expect(worker(unrun.fleet, 'a').memory.state).toBe('done');
    expect(only(tick(unrun.fleet, now + 2 * SECOND).actions, 'alert'), 'the same alert again').toEqual([]);
    const passed = tick(
      observe(unrun.fleet, 'a', () => ({ checkRun: { sha: SHA1, status: 'passed', at: now + MINUTE } })),
      now + MINUTE,
    );
    expect(only(passed.actions, 'clear_alert').map((action) => action.alertKind)).toEqual(['checks_unrun']);
    expect(only(passed.actions, 'bonus').map((action) => action.worker)).toEqual(['a']);
  });

  it('a paused worker gets the alert but no fix-up', () => {
    let model = tick(claimedDone(now), now).fleet;
    model = observe(model, 'a', (w) => ({ checkRun: failed(SHA1), memory: { ...w.memory, paused: true } }));
    const next = tick(model, now + SECOND);
    expect(only(next.actions, 'fixup')).toEqual([]);
    expect(only(next.actions, 'alert').map((action) => action.alert.kind)).toEqual(['checks_failed']);
  });

  it('without checks, done with commits is enough for a bonus task (as before)', () => {
    let model = tick(fleet([spec('a')], { queue: [bonusTask('extra')] }), T0).fleet;
    model = observe(model, 'a', () => ({
      report: doneReport(now - MINUTE),
      git: branchAt(SHA1, 1, now - 2 * MINUTE),
      pane: alivePane(now - MINUTE),
    }));
    const next = tick(model, now);
    expect(only(next.actions, 'run_checks')).toEqual([]);
    expect(only(next.actions, 'bonus').map((action) => action.worker)).toEqual(['a']);
  });
});

describe('sprintOver with checks', () => {
  const now = T0 + 10 * MINUTE;

  it('is not over while a verified worker holds a task handed out after its done claim (an integration fix-up)', () => {
    let model = tick(fleet([spec('a', { checks: CHECKS })]), T0).fleet;
    model = observe(model, 'a', () => ({
      report: doneReport(now - MINUTE),
      git: branchAt(SHA1, 1, now - 2 * MINUTE),
      pane: alivePane(now - MINUTE),
    }));
    model = tick(model, now).fleet;
    model = tick(
      observe(model, 'a', () => ({ checkRun: { sha: SHA1, status: 'passed', at: now } })),
      now + SECOND,
    ).fleet;
    expect(worker(model, 'a').memory.state).toBe('verified');
    expect(sprintOver(model)).toBe(true);
    const fixup = giveFixup(
      model,
      'a',
      { id: 'fixup-1111111111', title: 'Fix-up: merge czar/integration', text: '`git merge czar/integration`' },
      now + 2 * SECOND,
      emptyRecord('czar/integration', 'main', new Date(now).toISOString()),
    );
    expect(worker(fixup, 'a').memory.state).toBe('verified');
    expect(sprintOver(fixup)).toBe(false);
  });
});

describe('decide: dependents with checks', () => {
  const now = T0 + 10 * MINUTE;
  /** a and its dependent b; a reported done on SHA1 a minute before `now`. */
  function dependencyDone(checks: readonly CheckSpec[]): FleetModel {
    const model = tick(fleet([spec('a', { checks }), spec('b', { dependsOn: ['a'], checks })]), T0).fleet;
    return observe(model, 'a', () => ({
      report: doneReport(now - MINUTE),
      git: branchAt(SHA1, 1, now - 2 * MINUTE),
      pane: alivePane(now - MINUTE),
    }));
  }

  it('start only once their dependency is verified, not when it reports done', () => {
    const claimed = tick(dependencyDone(CHECKS), now);
    expect(only(claimed.actions, 'launch')).toEqual([]);
    expect(worker(claimed.fleet, 'b').memory.state).toBe('queued');
    const running = tick(
      observe(claimed.fleet, 'a', () => ({ checkRun: { sha: SHA1, status: 'running', at: now } })),
      now + SECOND,
    );
    expect(only(running.actions, 'launch')).toEqual([]);
    const verified = tick(
      observe(running.fleet, 'a', () => ({ checkRun: { sha: SHA1, status: 'passed', at: now } })),
      now + 2 * SECOND,
    );
    expect(worker(verified.fleet, 'a').memory.state).toBe('verified');
    expect(only(verified.actions, 'launch').map((action) => [action.worker, action.reason])).toEqual([
      ['b', expect.stringContaining('dependencies done: a') as string],
    ]);
  });

  it('start when their dependency reports done with commits, in a fleet without checks (as before)', () => {
    expect(only(tick(dependencyDone([]), now).actions, 'launch').map((action) => action.worker)).toEqual(['b']);
  });
});

describe('keptRun: the verdicts a restarted czar keeps', () => {
  const one: CheckSpec = { name: 'one', run: 'true', timeoutMs: 1000 };
  const two: CheckSpec = { name: 'two', run: 'false', timeoutMs: 1000 };
  const failure = { name: 'two', run: 'false', exitCode: 1, timedOut: false, tail: '', logFile: 'l' };
  const verdict = (check: CheckSpec, sha: string, ok: boolean, at: number): CheckVerdict => ({
    sha,
    key: checkKey(check),
    ok,
    at,
    ...(ok ? {} : { failure }),
  });

  it('adds up every check on the newest commit judged', () => {
    expect(keptRun([one, two], [verdict(one, 'a', true, 1), verdict(two, 'a', true, 2)])).toEqual({
      sha: 'a',
      status: 'passed',
      at: 2,
    });
    expect(keptRun([one, two], [verdict(one, 'a', true, 1), verdict(two, 'a', false, 2)])).toEqual({
      sha: 'a',
      status: 'failed',
      failure,
      at: 2,
    });
    // An older commit's pass does not speak about the newer one.
    expect(keptRun([one], [verdict(one, 'a', true, 1), verdict(two, 'b', true, 2)])).toBeUndefined();
  });

  it('judges afresh when a check was added or its command edited', () => {
    expect(keptRun([one, two], [verdict(one, 'a', true, 1)])).toBeUndefined();
    expect(keptRun([{ ...one, run: 'npm test' }], [verdict(one, 'a', true, 1)])).toBeUndefined();
  });
});
