import { describe, expect, it } from 'vitest';
import type { FleetModel } from '../../src/domain/model/model.js';
import type { ReviewObservation } from '../../src/domain/model/observations.js';
import type { CheckSpec, ReviewSpec } from '../../src/domain/model/config-types.js';
import { decide } from '../../src/domain/policy/decide.js';
import { reviewState } from '../../src/domain/policy/review.js';
import { reviewerNotes } from '../../src/domain/text/review-text.js';
import { boundDiff } from '../../src/domain/text/review-prompt.js';
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

const CHECKS: readonly CheckSpec[] = [{ name: 'test', run: 'npm test', timeoutMs: 60_000 }];
const REVIEW: ReviewSpec = {
  agent: { name: 'sim', preset: 'sim', command: 'czar-sim-agent', args: [], env: {} },
  roleText: undefined,
  maxRounds: 2,
  timeoutMs: 60_000,
  why: 'test',
};
const SHA1 = '1'.repeat(40);
const SHA2 = '2'.repeat(40);
const SHA3 = '3'.repeat(40);

function sentBack(sha: string): ReviewObservation {
  return {
    sha,
    status: 'changes_requested',
    summary: 'the empty case crashes',
    findings: [{ file: 'src/a.ts', line: 3, severity: 'major', text: 'handle an empty list' }],
    at: T0,
  };
}

/** Worker a (reviewed, with or without checks) done on `sha` a minute before `now`; b keeps working. */
function claimedDone(now: number, checks: readonly CheckSpec[], sha = SHA1, commitsAhead = 1): FleetModel {
  let model = tick(
    fleet([spec('a', { checks, review: REVIEW }), spec('b')], { queue: [bonusTask('extra')] }),
    T0,
  ).fleet;
  model = observe(model, 'a', () => ({
    report: doneReport(now - MINUTE),
    git: branchAt(sha, commitsAhead, now - 2 * MINUTE),
    pane: alivePane(now - MINUTE),
  }));
  return observe(model, 'b', () => ({ pane: alivePane(now - SECOND) }));
}

/** The worker commits `sha` and reports done on it at `at`. */
function doneAgain(model: FleetModel, sha: string, commitsAhead: number, at: number): FleetModel {
  return observe(model, 'a', () => ({
    report: doneReport(at),
    git: branchAt(sha, commitsAhead, at - SECOND),
    pane: alivePane(at),
  }));
}

describe('decide: verified needs the checks and the review of the same tip', () => {
  const now = T0 + 10 * MINUTE;

  it('reviews only after the checks passed on the tip, then verifies only on approval', () => {
    const first = tick(claimedDone(now, CHECKS), now);
    expect(only(first.actions, 'run_checks')).toHaveLength(1);
    expect(only(first.actions, 'run_review')).toEqual([]);

    let model = observe(first.fleet, 'a', () => ({ checkRun: { sha: SHA1, status: 'passed', at: now } }));
    const checked = tick(model, now + SECOND);
    expect(worker(checked.fleet, 'a').memory.state).toBe('done');
    expect(only(checked.actions, 'run_review')).toEqual([
      expect.objectContaining({ worker: 'a', sha: SHA1, round: 1 }),
    ]);
    expect(only(checked.actions, 'bonus')).toEqual([]);
    expect(reviewState(worker(checked.fleet, 'a'))?.state).toBe('in_review');
    expect(decide(checked.decided, now + SECOND).actions).toEqual([]);

    model = observe(checked.fleet, 'a', () => ({
      reviewRun: { sha: SHA1, status: 'approved', summary: 'fine', findings: [], at: now },
    }));
    const approved = tick(model, now + 2 * SECOND);
    expect(only(approved.actions, 'event').map((event) => event.message)).toContain('done -> verified');
    expect(only(approved.actions, 'bonus').map((action) => action.worker)).toEqual(['a']);
  });

  it('without checks the review alone verifies', () => {
    const first = tick(claimedDone(now, []), now);
    expect(only(first.actions, 'run_review')).toHaveLength(1);
    const model = observe(first.fleet, 'a', () => ({
      reviewRun: { sha: SHA1, status: 'approved', summary: 'fine', findings: [], at: now },
    }));
    expect(only(tick(model, now + SECOND).actions, 'event').map((event) => event.message)).toContain(
      'done -> verified',
    );
  });

  it('an approval of an older commit does not verify the tip: the tip is reviewed again', () => {
    let model = tick(claimedDone(now, []), now).fleet;
    model = observe(model, 'a', () => ({ reviewRun: { sha: SHA2, status: 'approved', at: now } }));
    const next = tick(model, now + SECOND);
    expect(worker(next.fleet, 'a').memory.state).toBe('done');
  });

  it('a review with no verdict is never an approval: it raises an alert and the worker stays done', () => {
    let model = tick(claimedDone(now, []), now).fleet;
    model = observe(model, 'a', () => ({
      reviewRun: { sha: SHA1, status: 'failed', problem: 'asked twice, no valid verdict', at: now },
    }));
    const next = tick(model, now + SECOND);
    expect(worker(next.fleet, 'a').memory.state).toBe('done');
    expect(only(next.actions, 'alert').map((action) => action.alert)).toEqual([
      expect.objectContaining({
        kind: 'review_failed',
        message: expect.stringContaining('no valid verdict') as string,
      }),
    ]);
    expect(only(next.actions, 'notify')).toEqual([
      expect.objectContaining({
        worker: 'a',
        episode: 'review_failed',
        summary: expect.stringMatching(/^a needs you: the review of .* gave no verdict: asked twice/) as string,
      }),
    ]);
    expect(only(next.actions, 'bonus')).toEqual([]);
    expect(decide(next.decided, now + SECOND).actions).toEqual([]);
  });
});

describe('decide: review rounds', () => {
  const now = T0 + 10 * MINUTE;

  it('request_changes sends the findings back once per claim and counts a rung; a new commit starts round 2', () => {
    let model = tick(claimedDone(now, []), now).fleet;
    model = observe(model, 'a', () => ({ reviewRun: sentBack(SHA1) }));
    const first = tick(model, now + SECOND);
    const [fixup] = only(first.actions, 'review_fixup');
    expect(fixup).toMatchObject({ sha: SHA1, round: 1, maxRounds: 2, reviewer: 'sim' });
    expect(fixup?.findings).toEqual([expect.objectContaining({ file: 'src/a.ts', line: 3 })]);
    expect(worker(first.fleet, 'a').memory.state).toBe('working');
    expect(worker(first.fleet, 'a').memory.ladder.rung).toBe('nudge');
    expect(decide(first.decided, now + SECOND).actions).toEqual([]);

    model = doneAgain(first.fleet, SHA2, 2, now + MINUTE);
    const second = tick(model, now + MINUTE + SECOND);
    expect(only(second.actions, 'run_review')).toEqual([expect.objectContaining({ sha: SHA2, round: 2 })]);
    expect(reviewState(worker(second.fleet, 'a'))).toMatchObject({ state: 'in_review', round: 2 });
  });

  it('done again on a tip sent back (no new commit) climbs the ladder instead of counting a round', () => {
    let model = tick(claimedDone(now, []), now).fleet;
    model = observe(model, 'a', () => ({ reviewRun: sentBack(SHA1) }));
    const first = tick(model, now + SECOND);
    model = observe(first.fleet, 'a', () => ({ report: doneReport(now + MINUTE) }));
    const again = tick(model, now + MINUTE + SECOND);
    expect(only(again.actions, 'review_fixup')).toEqual([expect.objectContaining({ round: 1 })]);
    expect(worker(again.fleet, 'a').memory.ladder.rung).toBe('rebrief');
  });

  it('the last round asking for changes alerts the person once and sends no fix-up; no round passes max_rounds', () => {
    let model = tick(claimedDone(now, []), now).fleet;
    model = observe(model, 'a', () => ({ reviewRun: sentBack(SHA1) }));
    model = tick(model, now + SECOND).fleet;
    model = doneAgain(model, SHA2, 2, now + MINUTE);
    const reviewing = tick(model, now + MINUTE);
    expect(only(reviewing.actions, 'run_review')).toEqual([expect.objectContaining({ sha: SHA2, round: 2 })]);
    model = observe(reviewing.fleet, 'a', () => ({ reviewRun: sentBack(SHA2) }));
    const second = tick(model, now + MINUTE + SECOND);
    expect(only(second.actions, 'review_fixup')).toEqual([]);
    const alerts = only(second.actions, 'alert').filter((action) => action.worker === 'a');
    expect(alerts.map((action) => action.alert)).toEqual([
      expect.objectContaining({
        kind: 'review_unresolved',
        message: expect.stringMatching(
          /^2 review round\(s\) of 2 ended without approval; .*src\/a\.ts:3 \[major\] handle an empty list/,
        ) as string,
      }),
    ]);
    expect(only(second.actions, 'notify')).toEqual([
      expect.objectContaining({ worker: 'a', episode: 'review_unresolved' }),
    ]);
    expect(worker(second.fleet, 'a').memory.state).toBe('done');
    expect(reviewState(worker(second.fleet, 'a'))).toMatchObject({ round: 2, maxRounds: 2 });
    expect(decide(second.decided, now + MINUTE + SECOND).actions).toEqual([]);
    // The person's "czar review" of that tip runs the last round again, not a round past it.
    const retried = decide(
      { ...second.fleet, requests: [{ request: { id: 'r', kind: 'review', worker: 'a' } }] },
      now + MINUTE + 2 * SECOND,
    );
    expect(only(retried.actions, 'run_review')).toEqual([
      expect.objectContaining({ sha: SHA2, round: 2, again: true }),
    ]);

    // A commit the worker makes anyway is reviewed as the last round again; its changes alert nobody twice.
    model = doneAgain(second.fleet, SHA3, 3, now + 2 * MINUTE);
    const third = tick(model, now + 2 * MINUTE);
    expect(only(third.actions, 'run_review')).toEqual([expect.objectContaining({ sha: SHA3, round: 2 })]);
    expect(reviewState(worker(third.fleet, 'a'))).toMatchObject({ state: 'in_review', round: 2 });
    model = observe(third.fleet, 'a', () => ({ reviewRun: sentBack(SHA3) }));
    const fourth = tick(model, now + 2 * MINUTE + SECOND);
    expect(only(fourth.actions, 'review_fixup')).toEqual([]);
    expect(only(fourth.actions, 'alert')).toEqual([]);
    expect(only(fourth.actions, 'notify')).toEqual([]);
    expect(reviewState(worker(fourth.fleet, 'a'))).toMatchObject({ state: 'changes_requested', round: 2 });
  });
});

describe('who reviews whom', () => {
  it('doctor and up --dry-run get one line per reviewed worker saying who and why', () => {
    const reviewed = { ...REVIEW, why: 'codex reviews a (claude): an agent of another make' };
    expect(reviewerNotes([spec('a', { review: reviewed }), spec('b')])).toEqual([
      'review: codex reviews a (claude): an agent of another make (up to 2 round(s), then the person is asked)',
    ]);
  });
});

describe('the diff a reviewer gets', () => {
  const part = (file: string, lines: number): string =>
    `diff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -0,0 +1,${lines} @@\n${'+x\n'.repeat(lines)}`;

  it('is whole under the limit, and over it cuts each file to its limit and leaves out what is past the total', () => {
    const small = part('src/a.ts', 3) + part('src/b.ts', 3);
    expect(boundDiff(small)).toEqual({ text: small, files: ['src/a.ts', 'src/b.ts'], trimmed: [], omitted: [] });

    const big = part('src/a.ts', 100) + part('src/b.ts', 100) + part('src/c.ts', 2);
    const bounded = boundDiff(big, { totalBytes: 400, fileBytes: 250 });
    expect(bounded.files).toEqual(['src/a.ts', 'src/b.ts', 'src/c.ts']);
    expect(Buffer.byteLength(bounded.text)).toBeLessThanOrEqual(400);
    expect(bounded.trimmed).toEqual(['src/a.ts', 'src/b.ts']);
    expect(bounded.omitted).toEqual(['src/c.ts']);
  });
});
