import { describe, expect, it } from 'vitest';
import { judgeHeadLog, parseHeadLog, type HeadLogEntry } from '../../src/domain/model/branch-place.js';
import type { FleetModel } from '../../src/domain/model/model.js';
import { decide } from '../../src/domain/policy/decide.js';
import { alivePane, commits, fleet, MINUTE, observe, only, spec, T0, tick, worker } from '../helpers/fleet.js';

const sha = (n: number): string => String(n).repeat(40).slice(0, 40);
const ZERO = '0'.repeat(40);
const entry = (old: string, next: string, message: string): HeadLogEntry => ({ old, new: next, message });

describe('a worktree HEAD reflog against its branch tip', () => {
  const made = [
    entry(ZERO, sha(1), ''),
    entry(sha(1), sha(1), 'reset: moving to HEAD'),
    entry(sha(1), sha(2), 'commit: work'),
  ];

  it("parses git's lines, and agrees with a branch its worktree moved", () => {
    const text = `${ZERO} ${sha(1)} A <a@b> 1 +0000\n${sha(1)} ${sha(2)} A <a@b> 2 +0000\tcommit: work\n`;
    expect(parseHeadLog(text)).toEqual([entry(ZERO, sha(1), ''), entry(sha(1), sha(2), 'commit: work')]);
    expect(judgeHeadLog(sha(2), made)).toBeUndefined();
  });

  it('sees a tip its worktree did not make', () => {
    expect(judgeHeadLog(sha(3), made)).toEqual({ from: sha(2), to: sha(3) });
  });

  it('sees a commit made over a moved branch, and a new history after a deletion, until a reset brings them together', () => {
    const over = [...made, entry(sha(3), sha(4), 'commit: more')];
    expect(judgeHeadLog(sha(4), over)).toEqual({ from: sha(2), to: sha(3), committedOver: sha(4) });
    expect(judgeHeadLog(sha(5), [...made, entry(ZERO, sha(5), 'commit (initial): again')])).toEqual({
      from: sha(2),
      to: '',
      committedOver: sha(5),
    });
    expect(
      judgeHeadLog(sha(3), [
        ...made,
        entry(sha(3), sha(2), 'reset: moving to x'),
        entry(sha(2), sha(3), 'reset: moving to y'),
      ]),
    ).toBeUndefined();
  });
});

describe("decide: git under a worker's feet", () => {
  const now = T0 + 10 * MINUTE;
  function running(): FleetModel {
    const model = tick(fleet([spec('a'), spec('b')]), T0).fleet;
    return observe(model, 'a', () => ({ pane: alivePane(now - 5000), git: commits(1, now - MINUTE) }));
  }

  it('tells a worker at once that its branch moved outside its worktree, once per move, and clears when they agree', () => {
    const moved = observe(running(), 'a', () => ({
      place: { movedOutside: { from: sha(2), to: sha(3), forward: true } },
    }));
    const first = decide(moved, now);
    expect(only(first.actions, 'warn_moved')).toEqual([
      expect.objectContaining({ worker: 'a', from: sha(2), to: sha(3), forward: true }),
    ]);
    expect(worker(first.fleet, 'a').memory.alerts.map((alert) => alert.kind)).toEqual(['branch_moved_outside']);
    expect(decide(first.fleet, now + 1000).actions).toEqual([]);
    const agreed = decide(
      observe(first.fleet, 'a', () => ({ place: {} })),
      now + 2000,
    );
    expect(worker(agreed.fleet, 'a').memory.alerts).toEqual([]);
  });

  it('says a worktree moved or removed is missing, with the path and the real fix, and holds its restarts', () => {
    const gone = observe(running(), 'a', () => ({
      place: { worktreeMissing: { path: '/tmp/wt/a', movedTo: '/elsewhere/a' } },
      pane: { ...alivePane(now - 5000), alive: false, deadStatus: 1 },
    }));
    const { actions, fleet: next } = decide(gone, now);
    expect(worker(next, 'a').memory.state).toBe('worktree_missing');
    const alert = worker(next, 'a').memory.alerts.find((candidate) => candidate.kind === 'worktree_missing');
    expect(alert?.message).toContain('git worktree move /elsewhere/a /tmp/wt/a');
    expect(only(actions, 'restart')).toEqual([]);
  });

  it('says nothing of a worker whose launch is under way: its branch and worktree are still being made', () => {
    const launching = observe(fleet([spec('a')]), 'a', (current) => ({
      launchedAt: T0,
      memory: { ...current.memory, state: 'starting' },
      place: { branchMissing: { lastTip: undefined }, worktreeMissing: { path: '/tmp/wt/a', movedTo: undefined } },
    }));
    const { fleet: next } = decide(launching, T0 + 1000);
    expect(worker(next, 'a').memory.state).toBe('starting');
    expect(worker(next, 'a').memory.alerts).toEqual([]);
  });

  it('alerts a deleted branch with the tip to restore it from', () => {
    const { fleet: next } = decide(
      observe(running(), 'a', () => ({ place: { branchMissing: { lastTip: sha(7) } } })),
      now,
    );
    expect(worker(next, 'a').memory.alerts.find((alert) => alert.kind === 'branch_missing')?.message).toContain(
      `git branch czar/a ${sha(7)}`,
    );
  });

  it('says once that base is gone, and holds the ladder meanwhile (no no_evidence, no nudge)', () => {
    let model = observe(running(), 'b', () => ({
      pane: alivePane(now - 5000),
      report: { state: 'done', at: now - MINUTE, progress: undefined, note: undefined, resultFile: undefined },
    }));
    model = { ...model, baseMissing: true };
    const first = decide(model, now);
    expect(only(first.actions, 'fleet_event').map((action) => action.event)).toEqual(['base_missing']);
    expect(only(first.actions, 'nudge')).toEqual([]);
    expect(worker(first.fleet, 'b').memory.alerts).toEqual([]);
    const later = decide(first.fleet, now + 30 * MINUTE);
    expect(only(later.actions, 'fleet_event')).toEqual([]);
    expect(later.actions.filter((action) => ['nudge', 'rebrief', 'restart'].includes(action.kind))).toEqual([]);
    const back = decide({ ...later.fleet, baseMissing: false }, now + 31 * MINUTE);
    expect(only(back.actions, 'fleet_event').map((action) => action.event)).toEqual(['base_back']);
  });
});
