import { describe, expect, it } from 'vitest';
import { taskDelivered } from '../../src/domain/usage/usage.js';
import { UsageSubjects } from '../../src/supervisor/sources/usage.js';
import { bonusTask, fleet, MINUTE, observe, spec, T0, tick, worker } from '../helpers/fleet.js';

describe('usage subjects', () => {
  const given = (): ReturnType<typeof fleet> => {
    const launched = tick(
      fleet([spec('a'), spec('sh', { agent: { name: 'sh', preset: 'shell', command: 'bash', args: [], env: {} } })]),
      T0,
    ).fleet;
    const bonus = bonusTask('extra');
    // The czar gave the bonus at T0 + 10 min; the agent took it a minute later, after ending its last turn.
    return observe(launched, 'a', (model) => ({
      memory: {
        ...model.memory,
        tasks: [
          ...model.memory.tasks,
          {
            id: bonus.id,
            title: bonus.title,
            text: bonus.task,
            scope: [],
            roleText: undefined,
            buildsOn: undefined,
            at: T0 + 10 * MINUTE,
            commitsAtStart: 0,
          },
        ],
      },
    }));
  };

  it('starts a later task at its paste, and says it is pending until then (when it was given, if never confirmed)', () => {
    const before = new UsageSubjects({ HOME: '/home/dev' }).of(given().workers).find((subject) => subject.name === 'a');
    expect(before?.pendingSince).toBe(T0 + 10 * MINUTE);
    expect(before?.tasks).toEqual([
      { id: 'a', at: T0 },
      { id: 'extra', at: T0 + 10 * MINUTE },
    ]);
    const taken = observe(given(), 'a', (model) => ({
      memory: taskDelivered(model.memory, 'extra', T0 + 11 * MINUTE),
    }));
    const after = new UsageSubjects({ HOME: '/home/dev' }).of(taken.workers).find((subject) => subject.name === 'a');
    expect(after?.tasks).toEqual([
      { id: 'a', at: T0 },
      { id: 'extra', at: T0 + 11 * MINUTE },
    ]);
    expect(after?.pendingSince).toBeUndefined();
    // A second confirmation (a restart delivering it again) does not move the start.
    expect(
      worker(
        observe(taken, 'a', (model) => ({ memory: taskDelivered(model.memory, 'extra', T0 + 20 * MINUTE) })),
        'a',
      ).memory.tasks.at(-1)?.deliveredAt,
    ).toBe(T0 + 11 * MINUTE);
  });

  it('looks where the agent keeps records, with the worker env over the czar env, and nowhere for a shell', () => {
    const subjects = new UsageSubjects({ HOME: '/home/dev' }).of(given().workers);
    const places = subjects.find((subject) => subject.name === 'a')?.transcripts?.places;
    expect(places).toEqual({ kind: 'claude', dirs: ['/home/dev/.claude/projects/-tmp-wt-a'] });
    expect(subjects.find((subject) => subject.name === 'sh')?.transcripts).toBeUndefined();
  });

  it('works a worker out again only when its tasks or its transcript path change', () => {
    const subjects = new UsageSubjects({ HOME: '/home/dev' });
    const fleetNow = given();
    const first = subjects.of(fleetNow.workers).find((subject) => subject.name === 'a');
    expect(subjects.of(fleetNow.workers).find((subject) => subject.name === 'a')).toBe(first);
    const taken = observe(fleetNow, 'a', (model) => ({
      memory: taskDelivered(model.memory, 'extra', T0 + 11 * MINUTE),
    }));
    const confirmed = subjects.of(taken.workers).find((subject) => subject.name === 'a');
    expect(confirmed?.pendingSince).toBeUndefined();
    expect(confirmed?.transcripts).toBe(first?.transcripts);
    const transcript = '/home/dev/elsewhere/session.jsonl';
    const hooked = observe(taken, 'a', () => ({
      report: {
        state: 'working',
        at: T0,
        progress: undefined,
        note: undefined,
        resultFile: undefined,
        task: undefined,
        failure: undefined,
        transcriptPath: transcript,
      },
    }));
    expect(subjects.of(hooked.workers).find((subject) => subject.name === 'a')?.transcripts?.places).toEqual({
      kind: 'claude',
      dirs: ['/home/dev/.claude/projects/-tmp-wt-a', '/home/dev/elsewhere'],
    });
  });
});
