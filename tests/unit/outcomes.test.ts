import { describe, expect, it } from 'vitest';
import type { CheckSpec } from '../../src/domain/model/config-types.js';
import { fileAreas, parseOutcome, taskKind, type Outcome } from '../../src/domain/learning/outcome.js';
import { keptOutcomes, latestOutcomes } from '../../src/domain/learning/learning.js';
import type { FleetModel } from '../../src/domain/model/model.js';
import type { CheckRunObservation } from '../../src/domain/model/observations.js';
import { decide } from '../../src/domain/policy/decide.js';
import { alivePane, branchAt, doneReport, fleet, MINUTE, observe, only, spec, T0, tick } from '../helpers/fleet.js';

// The record: decide() counts what a task went through from its own actions and records it once when it ends.

const CHECKS: readonly CheckSpec[] = [{ name: 'test', run: 'npm test', timeoutMs: 60_000 }];
const SHA1 = '1'.repeat(40);
const SHA2 = '2'.repeat(40);
const REPO = 'f'.repeat(40);
const now = T0 + 10 * MINUTE;

function failed(sha: string): CheckRunObservation {
  const failure = { name: 'test', run: 'npm test', exitCode: 1, timedOut: false, tail: 'FAIL', logFile: '/s/x.log' };
  return { sha, status: 'failed', at: T0, failure };
}

/** Worker a (with checks, `kind: api`) launched at T0 and done on `sha` at `at`; the record is on when `learning`. */
function doneAt(model: FleetModel, sha: string, commits: number, at: number): FleetModel {
  return observe(model, 'a', () => ({
    report: doneReport(at - MINUTE),
    git: { ...branchAt(sha, commits, at - 2 * MINUTE), filesChanged: ['src/api/x.ts', 'README.md'] },
    pane: alivePane(at - MINUTE),
  }));
}

function launched(learning = true): FleetModel {
  const start = fleet([spec('a', { checks: CHECKS, kind: 'api' })], {
    ...(learning ? { learning: { repo: REPO, outcomes: [] } } : {}),
  });
  return tick(start, T0).fleet;
}

describe('decide: the record of outcomes', () => {
  it('records a task verified after a failed check once, then again when it reaches the integration branch', () => {
    let model = tick(doneAt(launched(), SHA1, 1, now), now).fleet;
    model = tick(
      observe(model, 'a', () => ({ checkRun: failed(SHA1) })),
      now + 1000,
    ).fleet;
    const later = now + 5 * MINUTE;
    model = tick(doneAt(model, SHA2, 2, later), later).fleet;
    const verified = tick(
      observe(model, 'a', () => ({ checkRun: { sha: SHA2, status: 'passed', at: later } })),
      later,
    );
    const [record] = only(verified.actions, 'record_outcome');
    expect(record?.outcome).toMatchObject({
      repo: REPO,
      kind: 'api',
      areas: ['.', 'src/api'],
      agent: 'sim',
      preset: 'sim',
      end: 'verified',
      firstTry: false,
      checkFailures: ['test'],
      reviewRounds: 0,
      integrated: false,
    });
    expect(record?.outcome.minutes).toBeCloseTo(15, 5);
    expect(verified.decided.learning?.outcomes).toEqual([record?.outcome]);
    // Nothing new: nothing recorded again.
    expect(only(decide(verified.decided, later + 1000).actions, 'record_outcome')).toEqual([]);
    const integrated = tick({ ...verified.fleet, mergedTips: [SHA2] }, later + MINUTE);
    const [again] = only(integrated.actions, 'record_outcome');
    expect(again?.outcome).toMatchObject({ id: record?.outcome.id, end: 'integrated', integrated: true });
    expect(again?.outcome.minutes).toBe(record?.outcome.minutes);
    expect(integrated.decided.learning?.outcomes).toHaveLength(1);
  });

  it('a task verified on its first done claim is a first try', () => {
    const model = tick(doneAt(launched(), SHA1, 1, now), now).fleet;
    const verified = tick(
      observe(model, 'a', () => ({ checkRun: { sha: SHA1, status: 'passed', at: now } })),
      now,
    );
    expect(only(verified.actions, 'record_outcome').map((action) => action.outcome.firstTry)).toEqual([true]);
  });

  it('records nothing when the record is off', () => {
    const model = tick(doneAt(launched(false), SHA1, 1, now), now).fleet;
    const verified = tick(
      observe(model, 'a', () => ({ checkRun: { sha: SHA1, status: 'passed', at: now } })),
      now,
    );
    expect(only(verified.actions, 'record_outcome')).toEqual([]);
  });

  it('records a worker the person stopped as cancelled', () => {
    const model = launched();
    const stopped = observe(model, 'a', (worker) => ({ memory: { ...worker.memory, stopped: true } }));
    const [record] = only(tick(stopped, now).actions, 'record_outcome');
    expect(record?.outcome).toMatchObject({ end: 'cancelled', firstTry: false });
  });
});

describe('task kinds, areas and record lines', () => {
  it('takes kind, else role, else the top folders of the scope', () => {
    expect(taskKind('docs', 'writer', ['src/**'])).toBe('docs');
    expect(taskKind(undefined, 'writer', ['src/**'])).toBe('writer');
    expect(taskKind(undefined, undefined, ['tests/**', 'src/a/*.ts', './src/b.ts'])).toBe('src+tests');
    expect(taskKind(undefined, undefined, ['**/*.ts'])).toBe('any');
  });

  it('names the folders two levels deep', () => {
    expect(fileAreas(['src/domain/policy/x.ts', 'src/domain/y.ts', 'a.md', 'docs/b.md'])).toEqual([
      '.',
      'docs',
      'src/domain',
    ]);
  });

  it('skips a corrupt or foreign line with its reason, and keeps each task latest and recent', () => {
    expect(parseOutcome('{not json')).toBe('not JSON');
    expect(parseOutcome(JSON.stringify({ v: 2, id: 'x' }))).toMatch(/^v: /);
    const base: Outcome = {
      v: 1,
      id: 't1',
      at: new Date(now).toISOString(),
      repo: REPO,
      kind: 'api',
      areas: [],
      agent: 'claude',
      preset: 'claude',
      end: 'verified',
      firstTry: true,
      checkFailures: [],
      reviewRounds: 0,
      verdicts: [],
      nudges: 0,
      restarts: 0,
      minutes: 3,
      integrated: false,
    };
    const parsed = parseOutcome(JSON.stringify(base));
    expect(parsed).toEqual(base);
    const old = { ...base, id: 't0', at: new Date(now - 400 * 24 * 3_600_000).toISOString() };
    const integrated: Outcome = { ...base, end: 'integrated', integrated: true };
    expect(latestOutcomes([base, old, integrated]).map((o) => o.id)).toEqual(['t0', 't1']);
    expect(keptOutcomes([old, base, integrated], now)).toEqual([integrated]);
  });
});
