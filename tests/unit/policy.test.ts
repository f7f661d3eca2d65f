import { describe, expect, it } from 'vitest';
import type { FleetModel } from '../../src/domain/model/model.js';
import type { ReportObservation } from '../../src/domain/model/observations.js';
import { decide } from '../../src/domain/policy/decide.js';
import type { Action } from '../../src/domain/policy/actions.js';
import type { ReportedState } from '../../src/domain/model/words.js';
import {
  alivePane,
  bonusTask,
  commits,
  fleet,
  kinds,
  MINUTE,
  observe,
  only,
  policy,
  SECOND,
  spec,
  T0,
  tick,
  worker,
} from '../helpers/fleet.js';
import { outcome, REPO } from '../helpers/learning.js';

function report(state: ReportedState, at: number, note?: string): ReportObservation {
  return { state, at, progress: undefined, note, resultFile: undefined };
}

/** A second look at the same facts must not repeat anything. */
function expectSettled(model: FleetModel, now: number): void {
  expect(decide(model, now).actions).toEqual([]);
}

/** Launches every worker at T0 and lets the shell deliver their tasks. */
function launched(model: FleetModel): FleetModel {
  return tick(model, T0).fleet;
}

describe('decide: bonus tasks', () => {
  it('gives the worker that finishes early the next bonus task, whole, and only once', () => {
    const bonus = bonusTask('docs', { buildsOn: 'a', task: '# Docs\n\nWrite the docs for a.\n  keep   spacing \n' });
    let model = launched(fleet([spec('a'), spec('b')], { queue: [bonus, bonusTask('later')] }));
    const now = T0 + 10 * MINUTE;
    model = observe(model, 'a', () => ({
      report: report('done', now - MINUTE, 'api ready'),
      git: commits(2, now - 2 * MINUTE),
      pane: alivePane(now - MINUTE),
    }));
    model = observe(model, 'b', () => ({ pane: alivePane(now - 5 * SECOND) }));

    const { actions, fleet: next, decided } = tick(model, now);

    const [given] = only(actions, 'bonus');
    expect(given?.worker).toBe('a');
    expect(given?.task.task).toBe(bonus.task);
    expect(given?.reason).toContain('finished a with 2 commit(s)');
    expect(only(actions, 'notify')).toEqual([]);
    expect(next.queue.map((task) => task.id)).toEqual(['later']);
    expect(worker(next, 'a').memory.tasks.map((task) => task.id)).toEqual(['a', 'docs']);
    expect(worker(next, 'a').memory.state).toBe('working');
    expectSettled(decided, now);
    // The old done report is about the previous task: it must not end the bonus task a tick later.
    expect(decide(next, now + 5 * SECOND).actions.filter((action) => action.kind !== 'event')).toEqual([]);
  });

  it('an agent: auto bonus task goes to the free worker whose agent has the better record for its kind', () => {
    const sim = (agent: string) => ({
      name: agent,
      preset: 'sim' as const,
      command: 'czar-sim-agent',
      args: [],
      env: {},
    });
    // simc verified api tasks first time three times, simb once in three.
    const record = [0, 1, 2].flatMap((n) => [outcome('simb', n === 0), outcome('simc', true)]);
    const both = (routed: boolean) =>
      launched(
        fleet([spec('a', { agent: sim('simb') }), spec('b', { agent: sim('simc') })], {
          queue: [bonusTask('api-extra', { kind: 'api', ...(routed ? { routed: true } : {}) })],
          learning: { repo: REPO, outcomes: record },
          routing: { pool: ['simb', 'simc'], explore: 0.1, minOutcomes: 2, reassignAfter: 2 },
        }),
      );
    const now = T0 + 10 * MINUTE;
    const finished = (model: FleetModel) =>
      ['a', 'b'].reduce(
        (next, name) =>
          observe(next, name, () => ({
            report: report('done', now - MINUTE, 'ready'),
            git: commits(1, now - 2 * MINUTE),
            pane: alivePane(now - MINUTE),
          })),
        model,
      );

    const [routed] = only(tick(finished(both(true)), now).actions, 'bonus');
    expect(routed?.worker).toBe('b');
    expect(routed?.reason).toContain('routed: simc for api (best record): simb 1/3 first try');
    // Not routed, the first free worker takes it, as before.
    expect(only(tick(finished(both(false)), now).actions, 'bonus')[0]?.worker).toBe('a');
  });

  it('does not give a bonus for a done report without commits: no_evidence alert and a nudge instead', () => {
    let model = launched(fleet([spec('a')], { queue: [bonusTask('x')] }));
    const now = T0 + 10 * MINUTE;
    model = observe(model, 'a', () => ({
      report: report('done', now - MINUTE),
      git: { ...commits(0, now), dirty: ['src/a.ts'] },
    }));

    const { actions, fleet: next, decided } = tick(model, now);

    expect(only(actions, 'bonus')).toEqual([]);
    expect(only(actions, 'alert').map((action) => action.alert.kind)).toEqual(['no_evidence']);
    expect(only(actions, 'nudge').map((action) => action.situation)).toEqual(['no_evidence']);
    expect(next.queue).toHaveLength(1);
    expectSettled(decided, now);
  });

  it('notifies once when a worker is done and nothing is left to hand out', () => {
    let model = launched(fleet([spec('a')]));
    const now = T0 + 10 * MINUTE;
    model = observe(model, 'a', () => ({
      report: report('done', now - MINUTE, 'all green'),
      git: commits(1, now - MINUTE),
    }));
    const first = tick(model, now);
    expect(only(first.actions, 'notify').map((action) => action.summary)).toEqual(['a is done: all green']);
    expect(decide(first.fleet, now + MINUTE).actions).toEqual([]);
  });
});

describe('decide: evidence over claims', () => {
  it('alerts no_evidence when a worker reports working but its agent is gone', () => {
    let model = launched(fleet([spec('a')]));
    const now = T0 + 5 * MINUTE;
    model = observe(model, 'a', () => ({
      report: report('working', now - MINUTE),
      pane: alivePane(now - MINUTE, { alive: false, deadStatus: 137 }),
    }));
    const { actions, decided } = tick(model, now);
    expect(
      only(actions, 'alert')
        .map((action) => action.alert.kind)
        .sort(),
    ).toEqual(['crashed', 'no_evidence']);
    expectSettled(decided, now);
  });
});

describe('decide: scope and overlap', () => {
  it('alerts off_scope and realigns once per new set of files', () => {
    let model = launched(fleet([spec('api', { scope: ['src/api/**', 'tests/api/'] })]));
    const now = T0 + 5 * MINUTE;
    model = observe(model, 'api', () => ({
      git: commits(1, now, ['src/api/routes.ts', 'src/ui/app.tsx', 'tests/api/a.test.ts']),
      pane: alivePane(now),
    }));

    const first = tick(model, now);
    const [alert] = only(first.actions, 'alert');
    expect(alert?.alert).toMatchObject({ kind: 'off_scope', files: ['src/ui/app.tsx'] });
    expect(only(first.actions, 'realign')).toEqual([
      expect.objectContaining({ worker: 'api', files: ['src/ui/app.tsx'], scope: ['src/api/**', 'tests/api/'] }),
    ]);
    expectSettled(first.decided, now);
    expect(decide(first.fleet, now + MINUTE).actions).toEqual([]);

    const grown = observe(first.fleet, 'api', (w) => ({
      git: { ...w.git, dirty: ['README.md'] },
      pane: alivePane(now + 2 * MINUTE),
    }));
    const second = tick(grown, now + 2 * MINUTE);
    expect(only(second.actions, 'alert')[0]?.alert.files).toEqual(['README.md', 'src/ui/app.tsx']);
    expect(only(second.actions, 'realign')).toHaveLength(1);

    const fixed = observe(second.fleet, 'api', () => ({
      git: commits(2, now, ['src/api/routes.ts']),
      pane: alivePane(now + 3 * MINUTE),
    }));
    expect(kinds(tick(fixed, now + 3 * MINUTE).actions)).toEqual(['clear_alert:api']);
  });

  it('alerts overlap on both workers, naming the files, once per new intersection', () => {
    let model = launched(fleet([spec('a'), spec('b')]));
    const now = T0 + 5 * MINUTE;
    model = observe(model, 'a', () => ({ git: commits(1, now, ['src/shared.ts', 'src/a.ts']), pane: alivePane(now) }));
    model = observe(model, 'b', () => ({
      git: { ...commits(1, now, ['src/b.ts']), dirty: ['src/shared.ts'] },
      pane: alivePane(now),
    }));

    const first = tick(model, now);
    const alerts = only(first.actions, 'alert');
    expect(alerts.map((action) => [action.worker, action.alert.kind, action.alert.peer, action.alert.files])).toEqual([
      ['a', 'overlap', 'b', ['src/shared.ts']],
      ['b', 'overlap', 'a', ['src/shared.ts']],
    ]);
    expect(alerts[0]?.alert.message).toContain('src/shared.ts');
    expectSettled(first.decided, now);

    const apart = observe(first.fleet, 'b', () => ({ git: commits(1, now, ['src/b.ts']) }));
    expect(kinds(tick(apart, now + MINUTE).actions).sort()).toEqual(['clear_alert:a', 'clear_alert:b']);
  });

  it('does not call a dependency pair an overlap', () => {
    let model = fleet([spec('a'), spec('b', { dependsOn: ['a'] })]);
    model = observe(launched(model), 'a', () => ({
      git: commits(1, T0, ['src/x.ts']),
      report: report('done', T0 + SECOND),
    }));
    model = tick(model, T0 + MINUTE).fleet;
    model = observe(model, 'b', () => ({ git: commits(2, T0, ['src/x.ts']) }));
    expect(only(decide(model, T0 + 2 * MINUTE).actions, 'alert')).toEqual([]);
  });
});

describe('decide: crashes', () => {
  it('restarts with exponential backoff up to restart.max, then alerts and notifies once, and frees the slot', () => {
    let model = launched(fleet([spec('a'), spec('b')], { policy: policy({ maxActive: 1 }) }));
    expect(worker(model, 'b').launchedAt).toBeUndefined();
    const crash = (m: FleetModel, at: number): FleetModel =>
      observe(m, 'a', () => ({ pane: alivePane(at, { alive: false, deadStatus: 1 }) }));
    const restarts: { attempt: number; after: number }[] = [];
    let now = T0 + MINUTE;
    for (let round = 0; round < 3; round += 1) {
      const crashedAt = now;
      model = crash(model, crashedAt);
      for (;;) {
        const { actions, fleet: next } = tick(model, now);
        model = next;
        const [restart] = only(actions, 'restart');
        if (restart !== undefined) {
          expect(restart.cause).toBe('crashed');
          expect(restart.task.text).toBe(worker(model, 'a').spec.task);
          restarts.push({ attempt: restart.attempt, after: (now - crashedAt) / SECOND });
          break;
        }
        expect(now - crashedAt).toBeLessThan(10 * MINUTE);
        now += 5 * SECOND;
      }
      now += 10 * SECOND;
      expect(kinds(tick(model, now).actions, 'event')).toEqual(['clear_alert:a']);
      model = tick(model, now).fleet;
      now += MINUTE;
    }
    expect(restarts).toEqual([
      { attempt: 1, after: 30 },
      { attempt: 2, after: 60 },
      { attempt: 3, after: 120 },
    ]);

    model = crash(model, now);
    const { actions, fleet: next } = tick(model, now);
    expect(only(actions, 'restart')).toEqual([]);
    expect(only(actions, 'alert')[0]?.alert.message).toContain('gave up after 3 restart(s)');
    expect(only(actions, 'notify').map((action) => action.episode)).toEqual(['crashed']);
    // Given up no longer holds the only slot: b launches.
    expect(only(actions, 'launch').map((action) => action.worker)).toEqual(['b']);
    expect(kinds(decide(next, now + 30 * MINUTE).actions, 'event').filter((entry) => entry.endsWith(':a'))).toEqual([]);
  });
});

describe('decide: a restarted agent that dies before czar looks', () => {
  /** Decides every 5 s from a minute after T0 until the crashed worker is restarted; the pane stays dead. */
  const untilRestarted = (start: FleetModel): { model: FleetModel; now: number } => {
    let model = start;
    for (let now = T0 + MINUTE; now < T0 + 10 * MINUTE; now += 5 * SECOND) {
      const decision = decide(model, now);
      model = decision.fleet;
      if (only(decision.actions, 'restart').length > 0) return { model, now };
    }
    throw new Error('no restart within 10 minutes of the crash');
  };

  it('counts a dead pane seen since the agent was started again as a new crash (here: gives up)', () => {
    let model = launched(fleet([spec('a')], { policy: policy({ restart: { max: 1, backoffMs: 30 * SECOND } }) }));
    model = observe(model, 'a', () => ({ pane: alivePane(T0, { alive: false, deadStatus: 3 }) }));
    let now: number;
    ({ model, now } = untilRestarted(model));
    // The restarted agent ran and exited between two passes: the first look after its start sees its pane dead.
    now += SECOND;
    model = observe(model, 'a', () => ({ pane: alivePane(now, { alive: false, deadStatus: 3, startedAt: now }) }));
    const { actions } = decide(model, now + SECOND);
    expect(only(actions, 'event').map((event) => event.event)).toContain('gave_up');
  });

  it('waits for the restart while the pane is the old agent, even with output after the restart', () => {
    const crashed = observe(
      launched(fleet([spec('a')], { policy: policy({ restart: { max: 1, backoffMs: 30 * SECOND } }) })),
      'a',
      () => ({ pane: alivePane(T0, { alive: false, deadStatus: 3 }) }),
    );
    const restarted = untilRestarted(crashed);
    const now = restarted.now;
    let model = restarted.model;
    expect(decide(model, now + 10 * MINUTE).actions.filter((action) => action.kind !== 'clear_alert')).toEqual([]);
    // The restarted agent's first output can reach the model before the pane is seen alive again.
    model = observe(model, 'a', (worker) => ({ pane: { ...(worker.pane ?? alivePane(now)), lastOutputAt: now + 1 } }));
    expect(decide(model, now + 2 * SECOND).actions.filter((action) => action.kind !== 'clear_alert')).toEqual([]);
  });
});

describe('decide: how a restart starts', () => {
  it("resumes a crashed agent's own conversation, named by its hook or the newest of its worktree, else starts afresh", () => {
    const crashed = (conversations?: FleetModel['workers'][number]['conversations'], sessionId?: string) =>
      observe(launched(fleet([spec('a')])), 'a', (current) => ({
        pane: alivePane(T0, { alive: false, deadStatus: 1 }),
        conversations,
        report:
          sessionId === undefined
            ? current.report
            : { state: 'working', at: T0, progress: undefined, note: undefined, resultFile: undefined, sessionId },
      }));
    const start = (crashedModel: FleetModel) => {
      let model = crashedModel;
      for (let now = T0 + MINUTE; now < T0 + 10 * MINUTE; now += 5 * SECOND) {
        const { actions, fleet: next } = tick(model, now);
        const [restart] = only(actions, 'restart');
        if (restart !== undefined) return restart.start;
        model = next;
      }
      throw new Error('no restart within 10 minutes of the crash');
    };
    const held = (id: string, at: number) => ({ id, cwd: '/w/a', prompts: [`Your task:\n${spec('a').task}`], at });
    const two = { worktree: '/w/a', conversations: [held('older', 1), held('newer', 2)] };
    expect(start(crashed(two))).toMatchObject({ kind: 'resume', id: 'newer' });
    expect(start(crashed(two, 'older'))).toMatchObject({ kind: 'resume', id: 'older' });
    expect(start(crashed(undefined))).toEqual({ kind: 'fresh', why: 'the sim agent cannot resume a conversation' });
    expect(start(crashed({ worktree: '/w/a', conversations: [] }))).toEqual({
      kind: 'fresh',
      why: "no conversation of this worker is in its agent's records",
    });
  });
});

describe('decide: escalation ladder', () => {
  it('nudges, re-briefs, restarts, then alerts a human, in order over simulated time, for a hung worker', () => {
    let model = launched(fleet([spec('a')]));
    model = observe(model, 'a', () => ({ report: report('working', T0 + MINUTE), pane: alivePane(T0 + MINUTE) }));
    const seen: string[] = [];
    for (let now = T0 + 2 * MINUTE; now <= T0 + 90 * MINUTE; now += MINUTE) {
      const { actions, fleet: next, decided } = tick(model, now);
      expectSettled(decided, now);
      model = next;
      for (const action of actions) {
        if (['nudge', 'rebrief', 'restart', 'notify'].includes(action.kind))
          seen.push(`${(now - T0) / MINUTE}m ${action.kind}`);
      }
    }
    // stuck at 21 min (20 min quiet), then one rung per 5 min; after the restart the agent stays silent (idle).
    expect(seen).toEqual(['21m nudge', '26m rebrief', '31m restart', '36m notify']);
    expect(worker(model, 'a').memory.alerts.map((alert) => alert.kind)).toEqual(['idle_unfinished']);
  });

  it('resets the ladder when a commit lands', () => {
    let model = launched(fleet([spec('a')]));
    const idleAt = T0 + 2 * MINUTE;
    const first = tick(model, idleAt);
    expect(only(first.actions, 'nudge').map((action) => action.situation)).toEqual(['idle']);
    model = observe(first.fleet, 'a', () => ({ git: commits(1, idleAt + MINUTE), pane: alivePane(idleAt + MINUTE) }));
    const later = idleAt + 4 * MINUTE;
    const { actions } = tick(model, later);
    expect(only(actions, 'event').map((action) => action.event)).toContain('ladder_reset');
    expect(only(actions, 'nudge')).toHaveLength(1);
    expect(only(actions, 'rebrief')).toEqual([]);
  });

  it('never nudges a worker waiting for the person, and notifies once per waiting episode', () => {
    let model = launched(fleet([spec('a')]));
    const waitingFrom = T0 + 2 * MINUTE;
    model = observe(model, 'a', () => ({
      pane: alivePane(waitingFrom, { screenWaiting: true, screen: 'Do you want to proceed? 1. Yes 2. No' }),
    }));
    const all: Action[] = [];
    for (let now = waitingFrom; now <= waitingFrom + 60 * MINUTE; now += MINUTE) {
      const decision = tick(model, now);
      all.push(...decision.actions);
      model = decision.fleet;
    }
    expect(all.filter((action) => ['nudge', 'rebrief', 'restart'].includes(action.kind))).toEqual([]);
    expect(only(all, 'notify').map((action) => action.episode)).toEqual(['waiting']);
    expect(only(all, 'alert').map((action) => action.alert.kind)).toEqual(['waiting_input']);

    const answered = waitingFrom + 61 * MINUTE;
    model = observe(model, 'a', () => ({ pane: alivePane(answered) }));
    expect(kinds(tick(model, answered).actions, 'event')).toEqual(['clear_alert:a']);
    model = tick(model, answered).fleet;
    model = observe(model, 'a', () => ({ pane: alivePane(answered + MINUTE, { screenWaiting: true }) }));
    expect(only(tick(model, answered + MINUTE).actions, 'notify')).toHaveLength(1);
  });

  it('answers a matching prompt once with the configured keys, and asks the person if it stays', () => {
    const rule = { match: String.raw`Allow .* \(y/n\)`, send: ['y', 'Enter'] };
    let model = launched(fleet([spec('a')], { policy: policy({ autoAnswer: [rule] }) }));
    const now = T0 + MINUTE;
    model = observe(model, 'a', () => ({
      pane: alivePane(now, { screenWaiting: true, screen: 'Allow edit to src/a.ts? (y/n)' }),
    }));

    const first = tick(model, now);
    expect(only(first.actions, 'answer')).toEqual([
      expect.objectContaining({ worker: 'a', keys: ['y', 'Enter'], rule: rule.match }),
    ]);
    expect(only(first.actions, 'alert')).toEqual([]);
    expectSettled(first.fleet, now);
    expect(decide(first.fleet, now + 5 * SECOND).actions).toEqual([]);

    const stillThere = tick(first.fleet, now + 11 * SECOND);
    expect(kinds(stillThere.actions)).toEqual(['alert:a', 'notify:a']);

    const other = observe(stillThere.fleet, 'a', (w) => ({
      pane: { ...(w.pane ?? alivePane(now)), screen: 'Allow running npm test? (y/n)' },
    }));
    expect(only(tick(other, now + 12 * SECOND).actions, 'answer')).toHaveLength(1);
  });

  it('gives paused workers alerts but no nudges, and a paused fleet launches nothing', () => {
    let model = launched(fleet([spec('a')]));
    model = observe(model, 'a', (w) => ({ memory: { ...w.memory, paused: true } }));
    const { actions } = tick(model, T0 + 10 * MINUTE);
    expect(kinds(actions, 'event')).toEqual(['alert:a']);

    const pausedFleet = fleet([spec('b')], { paused: true });
    expect(decide(pausedFleet, T0).actions).toEqual([]);
    const crashed = observe(launched(fleet([spec('c')])), 'c', () => ({
      pane: alivePane(T0, { alive: false, deadStatus: 1 }),
    }));
    const stillPaused = tick({ ...crashed, paused: true }, T0 + 10 * MINUTE);
    expect(kinds(stillPaused.actions, 'event')).toEqual(['alert:c']);
  });
});

describe('decide: dependencies and waves', () => {
  it('releases a dependency chain in order and tells each dependent what was delivered', () => {
    let model = fleet([spec('c', { dependsOn: ['b'] }), spec('b', { dependsOn: ['a'] }), spec('a')]);
    let step = tick(model, T0);
    expect(only(step.actions, 'launch').map((action) => action.worker)).toEqual(['a']);
    model = step.fleet;

    let now = T0 + 10 * MINUTE;
    model = observe(model, 'a', () => ({
      report: report('done', now - MINUTE, 'schema in'),
      git: commits(3, now - MINUTE, ['db/schema.sql']),
    }));
    step = tick(model, now);
    const [launchB] = only(step.actions, 'launch');
    expect(launchB?.worker).toBe('b');
    expect(launchB?.dependencies).toEqual([
      {
        worker: 'a',
        branch: 'czar/a',
        commitsAhead: 3,
        lastCommit: { sha: 'a'.repeat(40), subject: 'commit 3' },
        files: ['db/schema.sql'],
        note: 'schema in',
        resultFile: undefined,
      },
    ]);
    expect(launchB?.reason).toContain('dependencies done: a');
    expectSettled(step.decided, now);
    model = step.fleet;

    now += 10 * MINUTE;
    model = observe(model, 'b', () => ({ report: report('done', now - MINUTE), git: commits(1, now - MINUTE) }));
    step = tick(model, now);
    expect(
      only(step.actions, 'launch').map((action) => [action.worker, action.dependencies.map((d) => d.worker)]),
    ).toEqual([['c', ['b']]]);
  });

  it('delivers the task to a worker launched early, and tells running dependents once', () => {
    let model = fleet([spec('a'), spec('early', { dependsOn: ['a'] }), spec('running', { dependsOn: ['a'] })]);
    model = launched(model);
    // `early` was started by the shell without a task; `running` already has its task.
    model = observe(model, 'early', (w) => ({
      launchedAt: T0,
      pane: alivePane(T0),
      deliveredAt: undefined,
      memory: { ...w.memory, state: 'starting' },
    }));
    model = observe(model, 'running', (w) => ({
      launchedAt: T0,
      deliveredAt: T0,
      pane: alivePane(T0 + 9 * MINUTE),
      memory: {
        ...w.memory,
        state: 'working',
        tasks: [
          {
            id: 'running',
            title: 't',
            text: w.spec.task,
            scope: [],
            roleText: undefined,
            buildsOn: undefined,
            at: T0,
            commitsAtStart: 0,
          },
        ],
        briefedAt: T0,
      },
    }));
    const now = T0 + 10 * MINUTE;
    model = observe(model, 'a', () => ({ report: report('done', now - MINUTE), git: commits(1, now - MINUTE) }));
    const { actions, decided } = tick(model, now);
    expect(
      only(actions, 'deliver_task').map((action) => [action.worker, action.dependencies.map((d) => d.worker)]),
    ).toEqual([['early', ['a']]]);
    expect(only(actions, 'tell_dependents').map((action) => [action.worker, action.dependents])).toEqual([
      ['a', ['running']],
    ]);
    expectSettled(decided, now);
  });

  it('launches in waves under max_active, in config order', () => {
    let model = fleet(
      ['a', 'b', 'c', 'd', 'e'].map((n) => spec(n)),
      { policy: policy({ maxActive: 2 }) },
    );
    let step = tick(model, T0);
    expect(only(step.actions, 'launch').map((action) => action.worker)).toEqual(['a', 'b']);
    expectSettled(step.decided, T0);
    model = step.fleet;

    const finish = (m: FleetModel, name: string, at: number): FleetModel =>
      observe(m, name, () => ({
        report: report('done', at - SECOND),
        git: commits(1, at - SECOND),
        pane: alivePane(at - SECOND),
      }));
    const busy = (m: FleetModel, name: string, at: number): FleetModel =>
      observe(m, name, () => ({ pane: alivePane(at) }));

    let now = T0 + MINUTE;
    model = busy(finish(model, 'a', now), 'b', now);
    step = tick(model, now);
    expect(only(step.actions, 'launch').map((action) => action.worker)).toEqual(['c']);
    model = step.fleet;

    now += MINUTE;
    model = busy(finish(finish(model, 'b', now), 'c', now), 'c', now);
    model = finish(model, 'c', now);
    step = tick(model, now);
    expect(only(step.actions, 'launch').map((action) => action.worker)).toEqual(['d', 'e']);
  });
});

describe('decide: confused about its task', () => {
  it('alerts off_task and pastes the task again once when the worker reports another task, and clears when it agrees', () => {
    let model = launched(fleet([spec('a')]));
    const now = T0 + 2 * MINUTE;
    model = observe(model, 'a', () => ({
      report: { ...report('working', now - 10 * SECOND, 'refactoring the billing module'), task: 'billing' },
      pane: alivePane(now - SECOND),
    }));

    const { actions, decided } = tick(model, now);

    expect(only(actions, 'alert').map((action) => [action.alert.kind, action.alert.message])).toEqual([
      ['off_task', 'reports working on "billing", but its task is "a" (Build a)'],
    ]);
    expect(only(actions, 'rebrief').map((action) => action.task.id)).toEqual(['a']);
    expectSettled(decided, now);

    const agreed = observe(decided, 'a', () => ({ report: { ...report('working', now + 5 * SECOND), task: 'a' } }));
    const later = tick(agreed, now + 6 * SECOND);
    expect(only(later.actions, 'clear_alert').map((action) => action.alertKind)).toEqual(['off_task']);
    expect(only(later.actions, 'rebrief')).toEqual([]);
  });

  it('says nothing when the worker does not name a task, and nothing to a paused worker beyond the alert', () => {
    const quiet = observe(launched(fleet([spec('a')])), 'a', () => ({
      report: report('working', T0 + 50 * SECOND),
      pane: alivePane(T0 + 55 * SECOND),
    }));
    expect(
      tick(quiet, T0 + MINUTE).actions.filter((action) => action.kind === 'alert' || action.kind === 'rebrief'),
    ).toEqual([]);

    const paused = observe(launched(fleet([spec('a')])), 'a', (worker) => ({
      memory: { ...worker.memory, paused: true },
      report: { ...report('working', T0 + 50 * SECOND), task: 'other' },
      pane: alivePane(T0 + 55 * SECOND),
    }));
    const { actions } = tick(paused, T0 + MINUTE);
    expect(only(actions, 'alert').map((action) => action.alert.kind)).toEqual(['off_task']);
    expect(only(actions, 'rebrief')).toEqual([]);
  });
});

describe('decide: when to look again', () => {
  it('names the moment a quiet worker reaches idle_after, and a busy one stuck_after, so the czar need not wait for its clock', () => {
    let model = launched(fleet([spec('quiet'), spec('busy')]));
    const lastOutput = T0 + MINUTE;
    model = observe(model, 'quiet', () => ({ pane: alivePane(lastOutput) }));
    model = observe(model, 'busy', () => ({ pane: alivePane(lastOutput + 30 * SECOND, { screenBusy: true }) }));
    const now = lastOutput + 10 * SECOND;
    expect(decide(model, now).lookAgainAt).toBe(lastOutput + 90 * SECOND);
    // Once the quiet one is idle and nudged, its next rung (escalate_after later) comes before the busy one's stuck_after.
    const idle = tick(model, lastOutput + 90 * SECOND);
    expect(worker(idle.decided, 'quiet').memory.state).toBe('idle');
    expect(decide(idle.decided, lastOutput + 91 * SECOND).lookAgainAt).toBe(lastOutput + 90 * SECOND + 5 * MINUTE);
    const patient = { ...idle.decided, policy: { ...idle.decided.policy, escalateAfterMs: 60 * MINUTE } };
    expect(decide(patient, lastOutput + 91 * SECOND).lookAgainAt).toBe(lastOutput + 30 * SECOND + 20 * MINUTE);
  });
});

describe('decide: one action on its way at a time', () => {
  it('does not nudge a quiet worker while czar is still sending it something (a restart waiting for its agent)', () => {
    let model = launched(fleet([spec('a')]));
    const idleAt = T0 + 2 * MINUTE;
    model = observe(model, 'a', () => ({ sending: true }));
    expect(only(tick(model, idleAt).actions, 'nudge')).toEqual([]);
    const sent = observe(model, 'a', () => ({ sending: false, sentAt: T0 }));
    expect(only(tick(sent, idleAt).actions, 'nudge')).toHaveLength(1);
  });
});
