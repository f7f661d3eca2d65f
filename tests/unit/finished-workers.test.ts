import { describe, expect, it } from 'vitest';
import type { FleetModel, WorkerModel } from '../../src/domain/model/model.js';
import type { ReportObservation } from '../../src/domain/model/observations.js';
import { decide } from '../../src/domain/policy/decide.js';
import type { ReportedState } from '../../src/domain/model/words.js';
import { messageFromPerson } from '../../src/domain/policy/person.js';
import { taskDelivered } from '../../src/domain/usage/usage.js';
import {
  alivePane,
  bonusTask,
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

// A finished worker stays finished through what czar itself does to it: a message czar sends, a task it gives while
// the last turn is still ending, and an integration that settled a conflict.

function report(state: ReportedState, at: number, byHook = false): ReportObservation {
  return { state, at, progress: undefined, note: undefined, resultFile: undefined, byHook };
}

/** A branch with one commit whose tip is `sha` (one letter, repeated), touching `files`. */
function branch(sha: string, at: number, files: readonly string[]): WorkerModel['git'] {
  return {
    commitsAhead: 1,
    filesChanged: files,
    lastCommit: { sha: sha.repeat(40), subject: 'work', at: new Date(at).toISOString() },
    dirty: [],
  };
}

const now = T0 + 10 * MINUTE;

/** a done with its commit, b still working; both touch shared.ts and a conflict between them is predicted. */
function doneAndConflicting(mergedTips: readonly string[] = []): FleetModel {
  let model = tick(fleet([spec('a'), spec('b')]), T0).fleet;
  model = observe(model, 'a', () => ({
    report: report('done', now - MINUTE),
    git: branch('a', now - 2 * MINUTE, ['shared.ts']),
    pane: alivePane(now - MINUTE),
  }));
  model = observe(model, 'b', () => ({
    report: report('working', now - 5 * SECOND),
    git: branch('b', now - MINUTE, ['shared.ts']),
    pane: alivePane(now - SECOND),
  }));
  return { ...model, mergedTips, conflicts: [{ worker: 'a', peer: 'b', files: ['shared.ts'] }] };
}

describe('a conflict warning to a finished worker', () => {
  it('goes only to a finished worker whose branch is not integrated yet: an integrated one has nothing to do', () => {
    const integrated = tick(doneAndConflicting(['a'.repeat(40)]), now);
    expect(only(integrated.actions, 'warn_conflict').map((action) => action.worker)).toEqual(['b']);
    expect(worker(integrated.fleet, 'a').memory.alerts.map((alert) => alert.kind)).toContain('conflict');
    const pending = tick(doneAndConflicting(), now);
    expect(only(pending.actions, 'warn_conflict').map((action) => action.worker)).toEqual(['a', 'b']);
  });

  it("starts czar's turn, not new work: the agent's hooks of that turn leave the worker done, with no nudge", () => {
    let model = tick(doneAndConflicting(), now).fleet;
    expect(worker(model, 'a').memory.state).toBe('done');
    // Claude Code's prompt hook says working as the warning is submitted; its Stop hook says idle when the turn ends.
    model = observe(model, 'a', () => ({
      report: report('working', now + SECOND, true),
      pane: alivePane(now + 2 * SECOND, { screenBusy: true }),
    }));
    const during = tick(model, now + 3 * SECOND);
    expect(worker(during.fleet, 'a').memory.state).toBe('done');
    model = observe(during.fleet, 'a', () => ({
      report: report('idle', now + 20 * SECOND, true),
      pane: alivePane(now + 20 * SECOND),
    }));
    for (const at of [now + 30 * SECOND, now + 5 * MINUTE, now + 15 * MINUTE]) {
      const later = tick(model, at);
      expect(worker(later.fleet, 'a').memory.state).toBe('done');
      expect(only(later.actions, 'nudge')).toEqual([]);
      expect(worker(later.fleet, 'a').memory.alerts.map((alert) => alert.kind)).not.toContain('idle_unfinished');
      model = later.fleet;
    }
  });

  it('holds when the warning was decided while the worker worked and reached it only once it was done', () => {
    let model = tick(doneAndConflicting(), now).fleet;
    model = observe(model, 'b', () => ({ report: report('done', now + SECOND), pane: alivePane(now + SECOND) }));
    model = tick(model, now + 2 * SECOND).fleet;
    expect(worker(model, 'b').memory.state).toBe('done');
    model = observe(model, 'b', () => ({
      report: report('working', now + 5 * SECOND, true),
      pane: alivePane(now + 5 * SECOND),
    }));
    model = tick(model, now + 6 * SECOND).fleet;
    model = observe(model, 'b', () => ({
      report: report('idle', now + 8 * SECOND, true),
      pane: alivePane(now + 8 * SECOND),
    }));
    const later = tick(model, now + 5 * MINUTE);
    expect(worker(later.fleet, 'b').memory.state).toBe('done');
    expect(only(later.actions, 'nudge')).toEqual([]);
  });

  it('a message from the person may reopen a finished worker: its turn is new work', () => {
    let model = tick(doneAndConflicting(), now).fleet;
    model = messageFromPerson(model, 'a');
    model = observe(model, 'a', () => ({
      report: report('working', now + SECOND, true),
      pane: alivePane(now + SECOND),
    }));
    expect(worker(tick(model, now + 2 * SECOND).fleet, 'a').memory.state).toBe('working');
  });

  it("the worker's own report after czar's message still counts", () => {
    let model = tick(doneAndConflicting(), now).fleet;
    model = observe(model, 'a', () => ({
      report: report('blocked', now + 10 * SECOND),
      pane: alivePane(now + 10 * SECOND),
    }));
    expect(worker(tick(model, now + 11 * SECOND).fleet, 'a').memory.state).toBe('blocked');
  });
});

describe('a task is timed from its delivery', () => {
  it('a turn end from before the paste is not charged to the new task: no nudge while it is pasted or right after', () => {
    let model = tick(fleet([spec('a')], { queue: [bonusTask('more')] }), T0).fleet;
    model = observe(model, 'a', () => ({
      report: report('done', now - MINUTE),
      git: branch('a', now - 2 * MINUTE, ['a.ts']),
      pane: alivePane(now - MINUTE),
    }));
    const given = tick(model, now);
    expect(only(given.actions, 'bonus').map((action) => action.worker)).toEqual(['a']);
    // The turn that wrote the done was still running: its Stop hook says idle 0.6 s after the decision.
    model = observe(given.fleet, 'a', () => ({ report: report('idle', now + 600, true), pane: alivePane(now + 600) }));
    const pasting = tick(model, now + 3_500);
    expect(only(pasting.actions, 'nudge')).toEqual([]);
    expect(worker(pasting.fleet, 'a').memory.state).toBe('working');
    // The shell confirms the paste (first pasted 3.6 s after the decision); czar looks 0.1 s later.
    model = observe(pasting.fleet, 'a', (w) => ({
      memory: taskDelivered(w.memory, 'more', now + 3_600),
      pane: alivePane(now + 3_700),
    }));
    for (const at of [now + 3_700, now + 10 * SECOND]) {
      const after = tick(model, at);
      expect(only(after.actions, 'nudge')).toEqual([]);
      expect(worker(after.fleet, 'a').memory.state).toBe('working');
      model = after.fleet;
    }
    // The new task's own turn end still counts.
    model = observe(model, 'a', () => ({
      report: report('idle', now + 20 * SECOND, true),
      pane: alivePane(now + 20 * SECOND),
    }));
    expect(worker(tick(model, now + 30 * SECOND).fleet, 'a').memory.state).toBe('idle');
  });
});

describe('a bonus task and the turn that reported done', () => {
  // The agent ran `czar report --state done` inside a turn whose end its hook tells: that turn's last model calls
  // belong to the finished task, so the next task waits for the end (Gemini CLI queues a paste while it works).
  function doneMidTurn(): FleetModel {
    const model = tick(fleet([spec('a')], { queue: [bonusTask('more')] }), T0).fleet;
    return observe(model, 'a', () => ({
      report: { ...report('done', now - SECOND), turnOpen: true },
      git: branch('a', now - 2 * SECOND, ['a.ts']),
      pane: alivePane(now - SECOND),
    }));
  }

  it('is given once the turn-end hook comes, not before', () => {
    const during = tick(doneMidTurn(), now);
    expect(worker(during.fleet, 'a').memory.state).toBe('done');
    expect(only(during.actions, 'bonus')).toEqual([]);
    // The hook's turn end merged into the done: the same report, now written by the hook.
    const ended = observe(during.fleet, 'a', (w) => ({
      report: { ...report('done', now - SECOND, true), note: w.report?.note },
    }));
    expect(only(tick(ended, now + 500).actions, 'bonus').map((action) => action.worker)).toEqual(['a']);
  });

  it('is given anyway when no turn end comes in time, and names that moment for the next look', () => {
    const during = tick(doneMidTurn(), now);
    expect(during.lookAgainAt).toBeDefined();
    expect(during.lookAgainAt).toBeLessThanOrEqual(now + MINUTE);
    const still = tick(during.fleet, (during.lookAgainAt ?? now) - 1);
    expect(only(still.actions, 'bonus')).toEqual([]);
    const late = tick(still.fleet, during.lookAgainAt ?? now);
    expect(only(late.actions, 'bonus').map((action) => action.worker)).toEqual(['a']);
  });
});

describe('a bonus task and a spawned child', () => {
  // A child's branch reaches the integration branch only through its parent: new work on it would go nowhere, and
  // work that builds on another worker's branch would bring that branch's files into the child's.
  it('goes to a finished top-level worker, never to a finished child', () => {
    let model = tick(
      fleet([spec('p'), spec('c', { parent: 'p' }), spec('q')], { queue: [bonusTask('more')] }),
      T0,
    ).fleet;
    model = observe(model, 'c', () => ({
      report: report('done', now - MINUTE),
      git: branch('c', now - 2 * MINUTE, ['c.ts']),
      pane: alivePane(now - MINUTE),
    }));
    const childOnly = tick(model, now);
    expect(only(childOnly.actions, 'bonus')).toEqual([]);
    const withTopLevel = observe(childOnly.fleet, 'q', () => ({
      report: report('done', now - SECOND),
      git: branch('q', now - 2 * SECOND, ['q.ts']),
      pane: alivePane(now - SECOND),
    }));
    expect(only(tick(withTopLevel, now + SECOND).actions, 'bonus').map((action) => action.worker)).toEqual(['q']);
  });
});

describe('overlap between integrated branches', () => {
  it('ends once both branches are in the integration branch: nothing is left to resolve', () => {
    const both = (mergedTips: readonly string[]): FleetModel => {
      let model = tick(fleet([spec('a'), spec('b')]), T0).fleet;
      for (const name of ['a', 'b'])
        model = observe(model, name, () => ({
          report: report('done', now - MINUTE),
          git: branch(name, now - 2 * MINUTE, ['shared.ts']),
          pane: alivePane(now - MINUTE),
        }));
      return { ...model, mergedTips };
    };
    const first = tick(both(['a'.repeat(40)]), now);
    expect(only(first.actions, 'alert').map((action) => [action.worker, action.alert.kind])).toEqual([
      ['a', 'overlap'],
      ['b', 'overlap'],
    ]);
    const merged = tick({ ...first.fleet, mergedTips: ['a'.repeat(40), 'b'.repeat(40)] }, now + SECOND);
    expect(only(merged.actions, 'clear_alert').map((action) => [action.worker, action.alertKind, action.peer])).toEqual(
      [
        ['a', 'overlap', 'b'],
        ['b', 'overlap', 'a'],
      ],
    );
    expect(decide(merged.decided, now + SECOND).actions).toEqual([]);
  });
});
