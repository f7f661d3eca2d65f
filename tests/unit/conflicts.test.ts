import { describe, expect, it } from 'vitest';
import type { FleetModel } from '../../src/domain/model/model.js';
import { decide } from '../../src/domain/policy/decide.js';
import type { PredictedConflict } from '../../src/domain/model/observations.js';
import { alivePane, commits, fleet, MINUTE, observe, only, spec, T0, tick, worker } from '../helpers/fleet.js';

const now = T0 + 10 * MINUTE;

/** a, b and c launched and working on their branches; `conflicts` is what the conflict source predicted. */
function predicted(
  conflicts: readonly PredictedConflict[],
  base: FleetModel = tick(fleet([spec('a'), spec('b'), spec('c')]), T0).fleet,
): FleetModel {
  let model = base;
  for (const name of ['a', 'b', 'c'])
    model = observe(model, name, () => ({
      pane: alivePane(now - 1000),
      git: commits(1, now - MINUTE, [`${name}.ts`]),
    }));
  return { ...model, conflicts };
}

describe('decide: predicted conflicts', () => {
  it('alerts both sides with the files and the peer, and tells each once who owns the other side', () => {
    const first = tick(predicted([{ worker: 'a', peer: 'b', files: ['src/x.ts'] }]), now);
    expect(
      only(first.actions, 'alert').map((action) => [action.worker, action.alert.peer, action.alert.files]),
    ).toEqual([
      ['a', 'b', ['src/x.ts']],
      ['b', 'a', ['src/x.ts']],
    ]);
    expect(only(first.actions, 'warn_conflict').map((action) => [action.worker, action.sides])).toEqual([
      ['a', [{ peer: 'b', peerBranch: 'czar/b', files: ['src/x.ts'] }]],
      ['b', [{ peer: 'a', peerBranch: 'czar/a', files: ['src/x.ts'] }]],
    ]);
    expect(worker(first.fleet, 'c').memory.alerts).toEqual([]);
    expect(decide(first.decided, now).actions).toEqual([]);
  });

  it('a conflict with base names the base branch and advises a merge', () => {
    const first = tick(predicted([{ worker: 'c', peer: undefined, files: ['README.md'] }]), now);
    expect(
      only(first.actions, 'alert').map((action) => [action.worker, action.alert.peer, action.alert.message]),
    ).toEqual([['c', 'main', 'merging with the base branch main would conflict in 1 file(s): README.md']]);
    expect(only(first.actions, 'warn_conflict')).toEqual([
      expect.objectContaining({ worker: 'c', sides: [{ peer: undefined, peerBranch: 'main', files: ['README.md'] }] }),
    ]);
  });

  it('new files update the alert without telling again; a cleared prediction clears both alerts, and a later one is news', () => {
    let model = tick(predicted([{ worker: 'a', peer: 'b', files: ['src/x.ts'] }]), now).fleet;
    const more = tick(
      { ...model, conflicts: [{ worker: 'a', peer: 'b', files: ['src/x.ts', 'src/y.ts'] }] },
      now + 1000,
    );
    expect(only(more.actions, 'alert').map((action) => action.alert.files)).toEqual([
      ['src/x.ts', 'src/y.ts'],
      ['src/x.ts', 'src/y.ts'],
    ]);
    expect(only(more.actions, 'warn_conflict')).toEqual([]);
    model = more.fleet;
    const cleared = tick({ ...model, conflicts: [] }, now + 2000);
    expect(
      only(cleared.actions, 'clear_alert').map((action) => [action.worker, action.alertKind, action.peer]),
    ).toEqual([
      ['a', 'conflict', 'b'],
      ['b', 'conflict', 'a'],
    ]);
    const again = tick({ ...cleared.fleet, conflicts: [{ worker: 'a', peer: 'b', files: ['src/z.ts'] }] }, now + 3000);
    expect(only(again.actions, 'warn_conflict').map((action) => action.worker)).toEqual(['a', 'b']);
  });

  it('a paused worker gets the alert, and the message once it can take one', () => {
    let model = predicted([{ worker: 'a', peer: 'b', files: ['src/x.ts'] }]);
    model = observe(model, 'a', (w) => ({ memory: { ...w.memory, paused: true } }));
    const first = tick(model, now);
    expect(only(first.actions, 'warn_conflict').map((action) => action.worker)).toEqual(['b']);
    expect(worker(first.fleet, 'a').memory.alerts.map((alert) => alert.kind)).toContain('conflict');
    const resumed = tick(
      observe(first.fleet, 'a', (w) => ({ memory: { ...w.memory, paused: false } })),
      now + 1000,
    );
    expect(only(resumed.actions, 'warn_conflict').map((action) => action.worker)).toEqual(['a']);
  });

  it('a worker in conflict with several branches is told once, in one message naming every side', () => {
    const first = tick(
      predicted([
        { worker: 'a', peer: 'b', files: ['src/x.ts'] },
        { worker: 'a', peer: 'c', files: ['src/x.ts'] },
        { worker: 'a', peer: undefined, files: ['README.md'] },
      ]),
      now,
    );
    const told = only(first.actions, 'warn_conflict');
    expect(told.map((action) => [action.worker, action.sides.map((side) => side.peerBranch)])).toEqual([
      ['a', ['czar/b', 'czar/c', 'main']],
      ['b', ['czar/a']],
      ['c', ['czar/a']],
    ]);
    expect(told[0]?.reason).toBe('merging with any of 3 branches would conflict: b, c, main');
  });

  it('a prediction still running raises its alerts at once and tells the workers when it is done', () => {
    const running = tick(
      { ...predicted([{ worker: 'a', peer: 'b', files: ['src/x.ts'] }]), conflictsPartial: true },
      now,
    );
    expect(only(running.actions, 'alert').map((action) => action.worker)).toEqual(['a', 'b']);
    expect(only(running.actions, 'warn_conflict')).toEqual([]);
    const done = tick(
      {
        ...running.fleet,
        conflicts: [
          { worker: 'a', peer: 'b', files: ['src/x.ts'] },
          { worker: 'a', peer: 'c', files: ['src/x.ts'] },
        ],
        conflictsPartial: false,
      },
      now + 1000,
    );
    expect(only(done.actions, 'warn_conflict').map((action) => [action.worker, action.sides.length])).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
  });
});
