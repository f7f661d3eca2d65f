import { describe, expect, it } from 'vitest';
import {
  emptyRecord,
  recordFailed,
  recordMerged,
  type IntegrationRecord,
} from '../../src/domain/policy/integration-plan.js';
import { ownTask, type FleetModel } from '../../src/domain/model/model.js';
import type { IntegrationObservation } from '../../src/domain/model/observations.js';
import type { Action } from '../../src/domain/policy/actions.js';
import { decide } from '../../src/domain/policy/decide.js';
import { integrationSettled } from '../../src/domain/policy/integration.js';
import { integrationRetryAt } from '../../src/domain/policy/integration-alert.js';
import { alivePane, commits, fleet, observe, spec, T0, worker } from '../helpers/fleet.js';

const NOW = new Date(T0).toISOString();
const tipOf = (name: string): string => name.padEnd(40, '0');

/** Workers that finished with one commit each (tip `<name>000...`), and the integration branch as its source saw it. */
function finished(names: readonly string[], seen: Partial<IntegrationObservation> = {}): FleetModel {
  let model = fleet(names.map((name) => spec(name)));
  for (const name of names) {
    model = observe(model, name, (current) => ({
      launchedAt: T0,
      deliveredAt: T0,
      git: { ...commits(1, T0), lastCommit: { sha: tipOf(name), subject: 'work', at: NOW } },
      pane: alivePane(T0),
      report: { state: 'done', at: T0 + 1, progress: 100, note: undefined, resultFile: undefined },
      memory: { ...current.memory, state: 'done', stateSince: T0, tasks: [ownTask(current.spec, T0)], briefedAt: T0 },
    }));
  }
  const integration: IntegrationObservation = {
    branch: 'czar/integration',
    record: undefined,
    running: false,
    failures: 0,
    failedAt: 0,
    lastAttempt: '',
    plainShells: [],
    pullRequests: {},
    pullRequestsWhen: 'off',
    ...seen,
  };
  return { ...model, integration };
}

function conflictOf(name: string, record = emptyRecord('czar/integration', 'main', NOW)): IntegrationRecord {
  return recordFailed(record, {
    worker: name,
    branch: `czar/${name}`,
    tip: tipOf(name),
    onto: 'f'.repeat(40),
    failure: { kind: 'conflict', files: ['shared.txt'] },
    at: NOW,
  });
}

const of = <K extends Action['kind']>(actions: readonly Action[], kind: K): Extract<Action, { kind: K }>[] =>
  actions.filter((action): action is Extract<Action, { kind: K }> => action.kind === kind);

describe('integration runs and fix-ups, decided by decide()', () => {
  it('starts one run for the finished branches, and none while it runs or for the same merges again', () => {
    const first = decide(finished(['a', 'b']), T0 + 1000);
    expect(of(first.actions, 'integrate').map((action) => action.merges)).toEqual([`a@${tipOf('a')} b@${tipOf('b')}`]);
    expect(first.fleet.integration?.running).toBe(true);
    expect(of(decide(first.fleet, T0 + 2000).actions, 'integrate')).toEqual([]);
    const over = { ...first.fleet, integration: { ...first.fleet.integration!, running: false } };
    expect(of(decide(over, T0 + 3000).actions, 'integrate')).toEqual([]);
    expect(integrationSettled(over)).toBe(false);
  });

  it('tries a failed run again only once its backoff is over: 1 s, 2 s, 4 s... after it failed, at most a minute', () => {
    const model = finished(['a'], { failures: 2, failedAt: T0 + 3000 });
    expect(of(decide(model, T0 + 4999).actions, 'integrate')).toEqual([]);
    expect(decide(model, T0 + 4000).lookAgainAt).toBe(T0 + 5000);
    const retry = of(decide(model, T0 + 5000).actions, 'integrate');
    expect(retry.map((action) => action.reason)).toEqual(['tried again after 2 failed run(s)']);
    const backoffs = [1, 2, 3, 6, 7, 20].map((failures) => integrationRetryAt({ failures, failedAt: T0 }) - T0);
    expect(backoffs).toEqual([1000, 2000, 4000, 32_000, 60_000, 60_000]);
    expect(integrationRetryAt({ failures: 0, failedAt: T0 })).toBe(0);
  });

  it('owes a fix-up once per failed tip: given as the current task, then not again', () => {
    const model = finished(['a'], { record: conflictOf('a') });
    const first = decide(model, T0 + 1000);
    expect(of(first.actions, 'integration_fixup')).toMatchObject([
      { worker: 'a', task: `fixup-${tipOf('a').slice(0, 10)}`, failure: { kind: 'conflict', files: ['shared.txt'] } },
    ]);
    const tasks = worker(first.fleet, 'a').memory.tasks;
    expect(tasks.map((task) => task.title)).toEqual(['Build a', 'Fix-up: merge czar/integration into czar/a']);
    expect(integrationSettled(model)).toBe(false);
    const again = decide(first.fleet, T0 + 2000);
    expect(of(again.actions, 'integration_fixup')).toEqual([]);
  });

  it('gives no fix-up to a plain shell, a paused worker or a dead pane', () => {
    const record = conflictOf('a');
    const shell = finished(['a'], { record, plainShells: ['a'] });
    expect(of(decide(shell, T0 + 1000).actions, 'integration_fixup')).toEqual([]);
    const paused = { ...finished(['a'], { record }), paused: true };
    expect(of(decide(paused, T0 + 1000).actions, 'integration_fixup')).toEqual([]);
    const dead = observe(finished(['a'], { record }), 'a', () => ({ pane: alivePane(T0, { alive: false }) }));
    expect(of(decide(dead, T0 + 1000).actions, 'integration_fixup')).toEqual([]);
  });
});

describe('the integration_failed alert, decided by decide()', () => {
  const alertOf = (model: FleetModel, name: string) =>
    model.workers.find((w) => w.spec.name === name)?.memory.alerts.find((a) => a.kind === 'integration_failed');
  const raisedOn = (actions: readonly Action[]) =>
    of(actions, 'alert').flatMap((action) => (action.alert.kind === 'integration_failed' ? [action.worker] : []));
  const failing = (failures: number) =>
    finished(['a', 'b'], {
      running: true,
      failures,
      failedAt: T0 + 10_000_000,
      failure: { reason: 'index.lock exists.', workers: ['a'] },
    });

  it('is raised on the workers held up once runs failed three times in a row, and not twice', () => {
    expect(raisedOn(decide(failing(2), T0 + 1000).actions)).toEqual([]);
    const third = decide(failing(3), T0 + 1000);
    expect(raisedOn(third.actions)).toEqual(['a']);
    expect(alertOf(third.fleet, 'a')?.message).toBe(
      'czar could not merge into czar/integration 3 times in a row (index.lock exists); it tries again in 4 s, so fix what the error names (a leftover index.lock goes once no git runs there)',
    );
    expect(alertOf(third.fleet, 'b')).toBeUndefined();
    expect(raisedOn(decide(third.fleet, T0 + 2000).actions)).toEqual([]);
  });

  it('says it again with the new count, and clears once a run went through', () => {
    const third = decide(failing(3), T0 + 1000).fleet;
    const fourth = decide({ ...third, integration: { ...third.integration!, failures: 4 } }, T0 + 2000);
    expect(alertOf(fourth.fleet, 'a')?.message).toMatch(/4 times in a row.*again in 8 s/);
    expect(alertOf(fourth.fleet, 'a')?.since).toBe(alertOf(third, 'a')?.since);
    const through = { ...fourth.fleet.integration!, failures: 0, failure: undefined };
    const cleared = decide({ ...fourth.fleet, integration: through }, T0 + 3000);
    expect(of(cleared.actions, 'clear_alert').map((action) => [action.worker, action.alertKind])).toEqual([
      ['a', 'integration_failed'],
    ]);
    expect(alertOf(cleared.fleet, 'a')).toBeUndefined();
  });
});

describe("the sprint's end, decided by decide()", () => {
  const merged = (names: readonly string[]): IntegrationRecord =>
    names.reduce(
      (record, name) =>
        recordMerged(record, {
          worker: name,
          branch: `czar/${name}`,
          tip: tipOf(name),
          mergeCommit: 'e'.repeat(40),
          at: NOW,
        }),
      emptyRecord('czar/integration', 'main', NOW),
    );
  const ends = (actions: readonly Action[]) => of(actions, 'end_sprint').map((action) => action.summary);

  it('is not over while a finished branch waits for its run, nor while the run goes', () => {
    const first = decide(finished(['a', 'b']), T0 + 1000);
    expect(ends(first.actions)).toEqual([]);
    expect(ends(decide(first.fleet, T0 + 2000).actions)).toEqual([]);
  });

  it('is said once when every worker is finished and the integration branch holds them, and again after new work', () => {
    const over = decide(finished(['a', 'b'], { record: merged(['a', 'b']) }), T0 + 1000);
    expect(ends(over.actions)).toEqual(['a done, b done']);
    expect(over.fleet.sprintEndTold).toBe(true);
    expect(ends(decide(over.fleet, T0 + 2000).actions)).toEqual([]);
    // b reports working again (a new task, say): the sprint goes on, and ends again once b is done.
    const report = (state: 'working' | 'done', at: number) => ({
      report: { state, at, progress: undefined, note: undefined, resultFile: undefined },
    });
    const again = decide(
      observe(over.fleet, 'b', () => report('working', T0 + 2500)),
      T0 + 3000,
    );
    expect(ends(again.actions)).toEqual([]);
    expect(again.fleet.sprintEndTold).toBe(false);
    const done = decide(
      observe(again.fleet, 'b', () => report('done', T0 + 3500)),
      T0 + 4000,
    );
    expect(ends(done.actions)).toEqual(['a done, b done']);
  });

  it("asks for the integration branch's pull request with the end only when pull requests are on and it holds work", () => {
    const pullRequest = (names: readonly string[], seen: Partial<IntegrationObservation>): boolean[] =>
      of(decide(finished(names, seen), T0 + 1000).actions, 'end_sprint').map((action) => action.pullRequest);
    expect(pullRequest(['a', 'b'], { record: merged(['a', 'b']), pullRequestsWhen: 'off' })).toEqual([false]);
    expect(pullRequest(['a', 'b'], { record: merged(['a', 'b']), pullRequestsWhen: 'verified' })).toEqual([true]);
    // A branch that holds nothing has nothing to ask anyone to merge.
    expect(pullRequest([], { record: merged([]), pullRequestsWhen: 'verified' })).toEqual([false]);
  });
});

describe('the pull requests due, decided by decide()', () => {
  const withA = (seen: Partial<IntegrationObservation>) =>
    finished(['a', 'b'], {
      record: recordMerged(emptyRecord('czar/integration', 'main', NOW), {
        worker: 'a',
        branch: 'czar/a',
        tip: tipOf('a'),
        mergeCommit: 'e'.repeat(40),
        at: NOW,
      }),
      ...seen,
    });
  const asked = (model: FleetModel) => of(decide(model, T0 + 1000).actions, 'open_pull_requests').map((a) => a.workers);

  it('asks once per record for the branches pr.when calls for that have none yet', () => {
    expect(asked(withA({ pullRequestsWhen: 'integrated' }))).toEqual([['a']]);
    expect(asked(withA({ pullRequestsWhen: 'verified' }))).toEqual([['a', 'b']]);
    const open = { 'czar/a': { url: 'https://example.test/pr/1', state: 'OPEN' } };
    expect(asked(withA({ pullRequestsWhen: 'verified', pullRequests: open }))).toEqual([['b']]);
    expect(asked(withA({ pullRequestsWhen: 'off' }))).toEqual([]);
    expect(asked(withA({ pullRequestsWhen: 'integrated', running: true }))).toEqual([]);
    const first = decide(withA({ pullRequestsWhen: 'integrated' }), T0 + 1000);
    expect(of(decide(first.fleet, T0 + 2000).actions, 'open_pull_requests')).toEqual([]);
  });
});
