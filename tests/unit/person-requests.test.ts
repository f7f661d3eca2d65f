import { describe, expect, it } from 'vitest';
import type { CzarRequest } from '../../src/domain/model/czar-request.js';
import { ownTask, type FleetModel } from '../../src/domain/model/model.js';
import type { Action } from '../../src/domain/policy/actions.js';
import { decide } from '../../src/domain/policy/decide.js';
import { alivePane, bonusTask, fleet, observe, policy, spec, T0, worker } from '../helpers/fleet.js';

/** Worker `a` at work on its own task; `b` waits for `a`, so it has not started. */
function started(overrides: Partial<FleetModel> = {}): FleetModel {
  const model = fleet([spec('a'), spec('b', { dependsOn: ['a'] })], {
    queue: [bonusTask('b1', { title: 'First bonus' })],
    policy: policy({ bonus: 'off' }),
    ...overrides,
  });
  return observe(model, 'a', (current) => ({
    launchedAt: T0,
    deliveredAt: T0,
    pane: alivePane(T0),
    memory: { ...current.memory, state: 'working', stateSince: T0, tasks: [ownTask(current.spec, T0)], briefedAt: T0 },
  }));
}

function asked(model: FleetModel, ...requests: CzarRequest[]): FleetModel {
  return { ...model, requests: requests.map((request) => ({ request })) };
}

function replies(actions: readonly Action[]): { request: string; ok: boolean; message: string; after?: string }[] {
  return actions.flatMap((action) =>
    action.kind === 'reply'
      ? [{ request: action.request, ok: action.ok, message: action.message, after: action.after }]
      : [],
  );
}

describe("a person's requests, decided by decide()", () => {
  it('answers each request once: the fleet decide returns holds none, and deciding again answers nothing', () => {
    const first = decide(asked(started(), { id: '1', kind: 'pause', worker: 'a' }), T0 + 1000);
    expect(replies(first.actions)).toEqual([
      { request: '1', ok: true, message: 'autonomy paused for a', after: undefined },
    ]);
    expect(first.fleet.requests).toBeUndefined();
    expect(worker(first.fleet, 'a').memory.paused).toBe(true);
    const again = decide(first.fleet, T0 + 1000);
    expect(replies(again.actions)).toEqual([]);
    expect(again.fleet).toBe(first.fleet);
  });

  it('takes requests in the order they came: a pause then a resume of the fleet leaves it running', () => {
    const model = asked(started(), { id: '1', kind: 'pause' }, { id: '2', kind: 'resume' });
    const decision = decide(model, T0 + 1000);
    expect(decision.fleet.paused).toBe(false);
    expect(replies(decision.actions).map((reply) => reply.message)).toEqual([
      'autonomy paused for all workers',
      'autonomy resumed for all workers',
    ]);
  });

  it('pauses the whole fleet: the answer is the only change, and the fleet stays paused', () => {
    const decision = decide(asked(started(), { id: '1', kind: 'pause' }), T0 + 1000);
    expect(decision.fleet.paused).toBe(true);
    expect(decision.actions.filter((action) => action.kind === 'fleet_event').map((action) => action.event)).toEqual([
      'pause',
    ]);
  });

  it('gives the next bonus task through the one bonus path, and says so', () => {
    const decision = decide(asked(started(), { id: '1', kind: 'bonus', worker: 'a' }), T0 + 1000);
    const bonus = decision.actions.find((action) => action.kind === 'bonus');
    expect(bonus).toMatchObject({ worker: 'a', task: { id: 'b1' }, reason: 'asked by the person' });
    expect(replies(decision.actions)).toEqual([
      { request: '1', ok: true, message: 'gave "First bonus" to a', after: undefined },
    ]);
    expect(decision.fleet.queue).toEqual([]);
    const memory = worker(decision.fleet, 'a').memory;
    expect(memory.tasks.map((task) => task.id)).toEqual(['a', 'b1']);
    expect(memory.ladder).toEqual({ rung: 'none', at: T0 + 1000 });
    const empty = decide(asked(decision.fleet, { id: '2', kind: 'bonus', worker: 'a' }), T0 + 2000);
    expect(replies(empty.actions)).toEqual([
      {
        request: '2',
        ok: false,
        message: 'The bonus queue is empty; add tasks under "bonus:" in the config.',
        after: undefined,
      },
    ]);
  });

  it('sends a message and answers after its paste; restarts with the current task and answers after the restart', () => {
    const decision = decide(
      asked(
        started(),
        { id: '1', kind: 'send', worker: 'a', text: 'look at x' },
        { id: '2', kind: 'restart', worker: 'a' },
      ),
      T0 + 1000,
    );
    const effects = decision.actions.filter((action) => action.kind === 'send' || action.kind === 'restart');
    expect(effects).toMatchObject([
      { kind: 'send', worker: 'a', text: 'look at x' },
      { kind: 'restart', worker: 'a', cause: 'person', task: { id: 'a' }, start: { kind: 'fresh' } },
    ]);
    expect(replies(decision.actions)).toEqual([
      { request: '1', ok: true, message: 'delivered the message to a', after: 'a' },
      {
        request: '2',
        ok: true,
        message: 'restarted a afresh and sent its task again (the sim agent cannot resume a conversation)',
        after: 'a',
      },
    ]);
    expect(worker(decision.fleet, 'a').memory.restarts).toBe(0);
  });

  it("resumes the agent's own conversation when its records hold one with its task, unless asked for a fresh start", () => {
    const own = { id: 'conv-1', cwd: '/trees/a', prompts: [`# Your task\n\n${spec('a').task}`], at: T0 };
    const recorded = observe(started(), 'a', () => ({
      conversations: { worktree: '/trees/a', conversations: [own] },
    }));
    const resumed = decide(asked(recorded, { id: '1', kind: 'restart', worker: 'a' }), T0 + 1000);
    expect(resumed.actions.find((action) => action.kind === 'restart')).toMatchObject({
      start: { kind: 'resume', id: 'conv-1' },
    });
    expect(replies(resumed.actions)[0]?.message).toBe(
      'restarted a in its own conversation, told only that it was restarted',
    );
    expect(worker(resumed.fleet, 'a').memory.resumedConversation).toBe('conv-1');

    const fresh = decide(asked(recorded, { id: '1', kind: 'restart', worker: 'a', fresh: true }), T0 + 1000);
    expect(fresh.actions.find((action) => action.kind === 'restart')).toMatchObject({
      start: { kind: 'fresh', why: 'the person asked for a fresh start' },
    });
    expect(worker(fresh.fleet, 'a').memory.resumedConversation).toBeUndefined();

    // Another worktree's conversation is not this worker's.
    const elsewhere = observe(started(), 'a', () => ({
      conversations: { worktree: '/trees/a', conversations: [{ ...own, cwd: '/trees/b' }] },
    }));
    const refused = decide(asked(elsewhere, { id: '1', kind: 'restart', worker: 'a' }), T0 + 1000);
    expect(refused.actions.find((action) => action.kind === 'restart')).toMatchObject({ start: { kind: 'fresh' } });
  });

  it('refuses, word for word, to act on a worker not started yet, and changes nothing', () => {
    const model = started();
    const decision = decide(asked(model, { id: '1', kind: 'bonus', worker: 'b' }), T0 + 1000);
    expect(replies(decision.actions)).toEqual([
      {
        request: '1',
        ok: false,
        message:
          'Worker "b" has not started yet: it waits for a to finish, and the czar starts it then, so "czar bonus" has nothing to act on now.',
        after: undefined,
      },
    ]);
    expect(decision.fleet.queue).toEqual(model.queue);
    expect(decision.actions.some((action) => action.kind === 'bonus')).toBe(false);
  });

  it('answers a request its source refused with the reason, and does nothing else', () => {
    const model: FleetModel = {
      ...started(),
      requests: [{ request: { id: '1', kind: 'restart', worker: 'zed' }, refused: 'There is no worker "zed".' }],
    };
    const decision = decide(model, T0 + 1000);
    expect(decision.actions.filter((action) => action.kind !== 'reply')).toEqual([]);
    expect(replies(decision.actions)).toEqual([
      { request: '1', ok: false, message: 'There is no worker "zed".', after: undefined },
    ]);
  });

  it('stops the czar after it answered: the answer comes first', () => {
    const decision = decide(asked(started(), { id: '1', kind: 'stop' }), T0 + 1000);
    const order = decision.actions.filter((action) => action.kind === 'reply' || action.kind === 'stop_czar');
    expect(order.map((action) => action.kind)).toEqual(['reply', 'stop_czar']);
    expect(replies(decision.actions)[0]?.message).toBe('the czar is stopping; the workers keep running');
  });
});
