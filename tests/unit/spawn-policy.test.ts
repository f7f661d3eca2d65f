import { describe, expect, it } from 'vitest';
import type { CzarRequest } from '../../src/domain/model/czar-request.js';
import { ownTask, type FleetModel } from '../../src/domain/model/model.js';
import type { Action } from '../../src/domain/policy/actions.js';
import { decide } from '../../src/domain/policy/decide.js';
import { candidatesOf } from '../../src/domain/policy/integration-plan.js';
import type { WorkerSpec } from '../../src/domain/model/config-types.js';
import { alivePane, branchAt, doneReport, fleet, observe, policy, spec, T0, worker } from '../helpers/fleet.js';

/** Worker `p` at work on its own task, with the given spawn limits. */
function parentAtWork(limits: Partial<FleetModel['policy']['spawn']> = {}): FleetModel {
  const model = fleet([spec('p')], {
    policy: policy({ bonus: 'off', spawn: { maxChildren: undefined, maxDepth: undefined, ...limits } }),
  });
  return atWork(model, 'p');
}

function atWork(model: FleetModel, name: string): FleetModel {
  return observe(model, name, (current) => ({
    launchedAt: T0,
    deliveredAt: T0,
    pane: alivePane(T0),
    memory: { ...current.memory, state: 'working', stateSince: T0, tasks: [ownTask(current.spec, T0)], briefedAt: T0 },
  }));
}

function child(name: string, parent: string): WorkerSpec {
  return spec(name, { parent, branch: `czar/${name}` });
}

function spawnOf(parent: string, name: string, id = name): { request: CzarRequest; child: WorkerSpec } {
  return {
    request: { id, kind: 'spawn', worker: parent, signature: 'x', child: name, task: `# ${name}`, scope: [] },
    child: child(name, parent),
  };
}

function replies(actions: readonly Action[]): { ok: boolean; message: string }[] {
  return actions.flatMap((action) => (action.kind === 'reply' ? [{ ok: action.ok, message: action.message }] : []));
}

describe('czar spawn, decided by decide()', () => {
  it('adds the child queued, records it, launches it under max_active and answers once', () => {
    const { actions, fleet: after } = decide({ ...parentAtWork(), requests: [spawnOf('p', 'kid')] }, T0 + 1000);
    expect(replies(actions)).toEqual([
      { ok: true, message: expect.stringContaining('spawned kid on branch czar/kid') },
    ]);
    expect(actions.map((action) => `${action.kind}:${action.worker ?? ''}`)).toEqual(
      expect.arrayContaining(['spawn:kid', 'launch:kid']),
    );
    expect(worker(after, 'kid').spec.parent).toBe('p');
    expect(decide(after, T0 + 1000).actions.filter((action) => action.kind === 'spawn')).toEqual([]);
  });

  it('counts children against max_active: a child waits for a free slot', () => {
    const model = {
      ...parentAtWork(),
      policy: policy({ bonus: 'off', maxActive: 1 }),
      requests: [spawnOf('p', 'kid')],
    };
    const { actions, fleet: after } = decide(model, T0 + 1000);
    expect(actions.some((action) => action.kind === 'launch')).toBe(false);
    expect(worker(after, 'kid').memory.state).toBe('queued');
  });

  it('refuses a name the fleet has, and the limits, each in one sentence naming it', () => {
    const taken = decide({ ...parentAtWork(), requests: [spawnOf('p', 'p')] }, T0 + 1000);
    expect(replies(taken.actions)).toEqual([
      { ok: false, message: 'There is already a worker "p" in this fleet; choose another name for the child.' },
    ]);
    const two = decide({ ...parentAtWork({ maxChildren: 1 }), requests: [spawnOf('p', 'a'), spawnOf('p', 'b')] }, T0);
    expect(replies(two.actions).map((reply) => reply.ok)).toEqual([true, false]);
    expect(replies(two.actions)[1]?.message).toContain('policy.spawn.max_children (1)');
    const deep = decide({ ...two.fleet, requests: [spawnOf('a', 'grandchild')] }, T0 + 2000);
    expect(replies(deep.actions)).toEqual([{ ok: true, message: expect.any(String) }]);
    const shallow = decide({ ...parentAtWork({ maxDepth: 1 }), requests: [spawnOf('p', 'a')] }, T0 + 1000);
    const refused = decide({ ...shallow.fleet, requests: [spawnOf('a', 'grandchild')] }, T0 + 2000);
    expect(replies(refused.actions)[0]?.message).toContain('over policy.spawn.max_depth 1');
  });

  it('cancels a child for its parent or a person, and refuses another worker', () => {
    const spawned = decide({ ...parentAtWork(), requests: [spawnOf('p', 'kid')] }, T0).fleet;
    const other = decide(
      { ...spawned, requests: [{ request: { id: 'c1', kind: 'cancel', worker: 'kid', by: 'kid2', signature: 'x' } }] },
      T0 + 1000,
    );
    expect(replies(other.actions)[0]).toEqual({ ok: false, message: expect.stringContaining('only its parent') });
    const byParent = decide(
      { ...spawned, requests: [{ request: { id: 'c2', kind: 'cancel', worker: 'kid', by: 'p', signature: 'x' } }] },
      T0 + 1000,
    );
    expect(byParent.actions.some((action) => action.kind === 'cancel_child')).toBe(true);
    expect(worker(byParent.fleet, 'kid').memory.state).toBe('stopped');
  });
});

describe("a child's work goes to its parent", () => {
  /** Parent `p` done with a commit, child `kid` done with one on top of it (no checks: done is finished). */
  function finished(kidInParent: boolean): FleetModel {
    const base = fleet([spec('p'), child('kid', 'p')], { policy: policy({ bonus: 'off' }) });
    let model = atWork(atWork(base, 'p'), 'kid');
    model = observe(model, 'p', (current) => ({
      report: doneReport(T0 + 5000),
      git: branchAt('b'.repeat(40), kidInParent ? 2 : 1, T0 + 4000),
      memory: { ...current.memory, state: 'done', stateSince: T0 + 5000 },
    }));
    return observe(model, 'kid', (current) => ({
      report: doneReport(T0 + 3000),
      git: branchAt('c'.repeat(40), 2, T0 + 2000),
      inParent: kidInParent,
      memory: { ...current.memory, state: 'done', stateSince: T0 + 3000 },
    }));
  }

  it('tells the parent once, between its turns, which branch to merge; the done parent gets an alert naming it', () => {
    const { actions, fleet: after } = decide(finished(false), T0 + 6000);
    const told = actions.filter((action) => action.kind === 'tell_parent');
    expect(told).toEqual([expect.objectContaining({ worker: 'p', child: 'kid', branch: 'czar/kid' })]);
    const alert = actions.find((action) => action.kind === 'alert' && action.alert.kind === 'children_open');
    expect(alert?.kind === 'alert' && alert.alert.message).toContain('kid');
    expect(candidatesOf(after, new Set()).map((candidate) => [candidate.worker, candidate.ready])).toEqual([
      ['p', false],
    ]);
    expect(decide(after, T0 + 7000).actions.filter((action) => action.kind === 'tell_parent')).toEqual([]);
  });

  it('once the child is in the parent, the alert ends and the parent alone is integrated', () => {
    const first = decide(finished(false), T0 + 6000).fleet;
    const merged = observe(first, 'kid', () => ({ inParent: true }));
    const { actions, fleet: after } = decide(merged, T0 + 8000);
    expect(actions).toContainEqual(expect.objectContaining({ kind: 'clear_alert', alertKind: 'children_open' }));
    expect(candidatesOf(after, new Set()).map((candidate) => [candidate.worker, candidate.ready])).toEqual([
      ['p', true],
    ]);
  });
});

describe("a child's budget is carved out of its parent's", () => {
  it('parent and child share the one worker budget: together over it, both stop; apart, neither would', () => {
    const budget = { worker: { usd: undefined, tokens: 1000 }, fleet: { usd: undefined, tokens: undefined } };
    const spent = (input: number) => ({
      tasks: [{ task: 'x', models: [{ model: 'm', input, output: 0, cacheWrite: 0, cacheRead: 0 }] }],
      files: 1,
      skippedLines: 0,
      lastAt: T0,
    });
    let model = fleet([spec('p'), child('kid', 'p'), spec('other')], { policy: policy({ bonus: 'off', budget }) });
    for (const name of ['p', 'kid', 'other']) model = atWork(model, name);
    model = observe(model, 'p', () => ({ usage: spent(600) }));
    model = observe(model, 'kid', () => ({ usage: spent(500) }));
    model = observe(model, 'other', () => ({ usage: spent(900) }));
    const { actions } = decide(model, T0 + 1000);
    const stopped = actions.filter((action) => action.kind === 'interrupt').map((action) => action.worker);
    expect(stopped.sort()).toEqual(['kid', 'p']);
  });
});

describe('a parent and its child', () => {
  it('share files by design: no overlap alert between them, as there is with any other worker', () => {
    let model = fleet([spec('p'), child('kid', 'p'), spec('other')], { policy: policy({ bonus: 'off' }) });
    for (const name of ['p', 'kid', 'other']) model = atWork(model, name);
    for (const name of ['p', 'kid']) model = observe(model, name, () => ({ git: branchAt('d'.repeat(40), 1, T0) }));
    const overlaps = (actions: readonly Action[]) =>
      actions.flatMap((action) =>
        action.kind === 'alert' && action.alert.kind === 'overlap' ? [`${action.worker}/${action.alert.peer}`] : [],
      );
    expect(overlaps(decide(model, T0 + 1000).actions)).toEqual([]);
    const withOther = observe(model, 'other', () => ({ git: branchAt('e'.repeat(40), 1, T0) }));
    expect(overlaps(decide(withOther, T0 + 1000).actions)).toContain('other/p');
  });
});
