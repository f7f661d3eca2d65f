import { describe, expect, it } from 'vitest';
import { commentParts, renderComments } from '../../src/domain/policy/person-comments.js';
import type { CheckSpec } from '../../src/domain/model/config-types.js';
import type { CzarRequest } from '../../src/domain/model/czar-request.js';
import type { FleetModel } from '../../src/domain/model/model.js';

import type { Action } from '../../src/domain/policy/actions.js';
import { fleetStatus } from '../../src/domain/status/status-render.js';
import { alivePane, branchAt, doneReport, fleet, MINUTE, observe, spec, T0, tick, worker } from '../helpers/fleet.js';

const CHECKS: readonly CheckSpec[] = [{ name: 'test', run: 'npm test', timeoutMs: 60_000 }];
const SHA1 = '1'.repeat(40);
const SHA2 = '2'.repeat(40);
const now = T0 + 10 * MINUTE;

/** Worker a with checks, done on `sha` and its checks passed there: verified once decided. */
function verifiedOn(sha: string, at: number, base?: FleetModel): FleetModel {
  const model = base ?? tick(fleet([spec('a', { checks: CHECKS })]), T0).fleet;
  return observe(model, 'a', () => ({
    report: doneReport(at - MINUTE),
    git: branchAt(sha, sha === SHA1 ? 1 : 2, at - 2 * MINUTE),
    pane: alivePane(at - MINUTE),
    checkRun: { sha, status: 'passed', at: at - MINUTE },
  }));
}

function asked(model: FleetModel, ...requests: CzarRequest[]): FleetModel {
  return { ...model, requests: requests.map((request) => ({ request })) };
}

function comment(id: string, text: string, file?: string, line?: number): CzarRequest {
  return { id, kind: 'comment', worker: 'a', text, ...(file === undefined ? {} : { file, line }) };
}

/** The comment deliveries decided, each as the text the worker gets. */
function sends(actions: readonly Action[]): { text: string }[] {
  return actions
    .filter((action): action is Extract<Action, { kind: 'comments' }> => action.kind === 'comments')
    .map((action) => ({ text: renderComments(action.comments) }));
}

/** Worker a in the middle of a turn: its screen says busy. */
function busy(model: FleetModel, at: number): FleetModel {
  return observe(model, 'a', (current) => ({
    report: { ...doneReport(at), state: 'working' },
    pane: alivePane(at, { screenBusy: true }),
    memory: { ...current.memory },
  }));
}

describe("a person's review comments", () => {
  it('are kept while the turn runs, then arrive together as one message grouped by file, ending "commit, then report done"', () => {
    const working = tick(busy(verifiedOn(SHA1, now), now), now).fleet;
    expect(worker(working, 'a').memory.state).toBe('working');
    const first = tick(asked(working, comment('1', 'handle the empty list', 'src/a.ts', 3)), now + 1000);
    const second = tick(
      asked(first.fleet, comment('2', 'name it firstItem', 'src/a.ts', 1), comment('3', 'add a test')),
      now + 2000,
    );
    expect(sends([...first.actions, ...second.actions])).toEqual([]);
    expect(second.actions.filter((action) => action.kind === 'reply').map((action) => action.ok)).toEqual([true, true]);
    expect(worker(second.fleet, 'a').memory.comments).toHaveLength(3);
    // status.json lists them while they wait, the person's words with control characters pictured.
    const waiting = observe(second.fleet, 'a', (current) => ({
      memory: { ...current.memory, comments: [...(current.memory.comments ?? []), { text: 'no\u001b[2J', at: now }] },
    }));
    const meta = { project: 'p', startedAt: new Date(T0).toISOString(), now };
    expect(fleetStatus(waiting, meta, new Map()).workers[0]?.comments).toEqual([
      { file: 'src/a.ts', line: 3, text: 'handle the empty list', at: new Date(now + 1000).toISOString() },
      { file: 'src/a.ts', line: 1, text: 'name it firstItem', at: new Date(now + 2000).toISOString() },
      { text: 'add a test', at: new Date(now + 2000).toISOString() },
      { text: 'no␛[2J', at: new Date(now).toISOString() },
    ]);

    // The turn ends: the worker reports done again and its screen is still.
    const ended = observe(second.fleet, 'a', () => ({ report: doneReport(now + 3000), pane: alivePane(now + 3000) }));
    const delivered = tick(ended, now + 4000);
    const messages = sends(delivered.actions);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toBe(
      renderComments([
        { file: 'src/a.ts', line: 3, text: 'handle the empty list', at: 0 },
        { file: 'src/a.ts', line: 1, text: 'name it firstItem', at: 0 },
        { text: 'add a test', at: 0 },
      ]),
    );
    expect(messages[0]?.text).toContain(
      '```\nsrc/a.ts\nsrc/a.ts:3 [comment] handle the empty list\nsrc/a.ts:1 [comment] name it firstItem\n\n(no file)\n[comment] add a test\n```',
    );
    expect(messages[0]?.text.endsWith('commit, then report done.')).toBe(true);
    expect(fleetStatus(delivered.fleet, meta, new Map()).workers[0]?.comments).toBeUndefined();
    expect(worker(delivered.fleet, 'a').memory.comments).toBeUndefined();
    expect(sends(tick(delivered.decided, now + 4000).actions)).toEqual([]);
  });

  it('hold verified until a newer commit passes its checks', () => {
    const verified = tick(verifiedOn(SHA1, now), now).fleet;
    expect(worker(verified, 'a').memory.state).toBe('verified');
    const left = tick(asked(verified, comment('1', 'rename x')), now + 1000);
    expect(sends(left.actions)).toHaveLength(1);
    expect(worker(left.fleet, 'a').memory.state).toBe('done');
    // A done claim again on the same commit, checks still passed there: the comment is still open.
    const same = tick(
      observe(left.fleet, 'a', () => ({ report: doneReport(now + 60_000) })),
      now + 61_000,
    );
    expect(worker(same.fleet, 'a').memory.state).toBe('done');
    // A new commit whose checks pass: verified again.
    const fixed = tick(verifiedOn(SHA2, now + 5 * MINUTE, same.fleet), now + 5 * MINUTE);
    expect(worker(fixed.fleet, 'a').memory.state).toBe('verified');
  });

  it('show the person’s text with control characters visible, one line per comment, inside a fence', () => {
    const text = renderComments([{ file: 'src/a.ts', line: 2, text: 'one\nrm -rf / \u001b[2J```', at: 0 }]);
    expect(text).toContain('src/a.ts:2 [comment] one␊rm -rf / ␛[2J```');
    expect(text).toMatch(/\n````\n/);
    expect(text.split('\n').some((line) => line.startsWith('rm'))).toBe(false);
  });

  it('are refused, word for word, for a worker not started yet', () => {
    const model = tick(fleet([spec('a', { dependsOn: ['b'] }), spec('b')]), T0).fleet;
    const decision = tick(asked(model, comment('1', 'hi')), T0 + 1000);
    expect(decision.actions.find((action) => action.kind === 'reply')).toMatchObject({
      ok: false,
      message:
        'Worker "a" has not started yet: it waits for b to finish, and the czar starts it then, so "czar comment" has nothing to act on now.',
    });
    expect(worker(decision.fleet, 'a').memory.comments).toBeUndefined();
  });

  it('read a leading FILE:LINE as the place, and anything else as text', () => {
    expect(commentParts('src/a.ts:12  rename x ')).toEqual({ file: 'src/a.ts', line: 12, text: 'rename x' });
    expect(commentParts('rename x in src/a.ts:12')).toEqual({ text: 'rename x in src/a.ts:12' });
    expect(commentParts('src/a.ts:0 zero is no line')).toEqual({ text: 'src/a.ts:0 zero is no line' });
  });
});
