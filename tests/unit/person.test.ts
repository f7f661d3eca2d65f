import { describe, expect, it } from 'vitest';
import { bonusByPerson, notStartedYet, restartByPerson, setAutonomy } from '../../src/domain/policy/person.js';
import { bonusTask, fleet, observe, spec, T0 } from '../helpers/fleet.js';
import { ownTask } from '../../src/domain/model/model.js';

describe("a person's requests", () => {
  const base = fleet([spec('a'), spec('b')], { queue: [bonusTask('b1'), bonusTask('b2')] });

  it('pauses one worker or the whole fleet, and resumes', () => {
    const one = setAutonomy(base, 'a', true);
    expect(one.workers.map((worker) => worker.memory.paused)).toEqual([true, false]);
    expect(one.paused).toBe(false);
    const all = setAutonomy(one, undefined, true);
    expect(all.paused).toBe(true);
    expect(setAutonomy(all, undefined, false).paused).toBe(false);
  });

  it('gives the next bonus task now, recording where the branch stood, and empties the queue in order', () => {
    const first = bonusByPerson(base, 'b', T0);
    expect(first?.task.id).toBe('b1');
    expect(first?.fleet.queue.map((task) => task.id)).toEqual(['b2']);
    const worker = first?.fleet.workers.find((candidate) => candidate.spec.name === 'b');
    expect(worker?.memory.tasks.map((task) => task.id)).toEqual(['b1']);
    expect(worker?.memory.briefedAt).toBe(T0);
    const second = bonusByPerson(first?.fleet ?? base, 'b', T0 + 1);
    expect(second?.task.id).toBe('b2');
    expect(bonusByPerson(second?.fleet ?? base, 'a', T0 + 2)).toBeUndefined();
  });

  it('restarts with the current task and resets the ladder', () => {
    const climbed = {
      ...base,
      workers: base.workers.map((worker) => ({
        ...worker,
        memory: { ...worker.memory, ladder: { rung: 'rebrief' as const, at: T0 } },
      })),
    };
    const decision = restartByPerson(climbed, 'a', T0 + 5000);
    expect(decision?.task.id).toBe('a');
    const worker = decision?.fleet.workers.find((candidate) => candidate.spec.name === 'a');
    expect(worker?.memory.ladder).toEqual({ rung: 'none', at: T0 + 5000 });
    expect(restartByPerson(base, 'nobody', T0)).toBeUndefined();
  });

  it('refuses to act on a worker the czar has not started yet, saying what it waits for', () => {
    const model = fleet([spec('a'), spec('b', { dependsOn: ['a'] }), spec('c')], {
      policy: { ...base.policy, maxActive: 1 },
    });
    expect(notStartedYet(model, 'b', 'restart')).toBe(
      'Worker "b" has not started yet: it waits for a to finish, and the czar starts it then, so "czar restart" has nothing to act on now.',
    );
    expect(notStartedYet(model, 'c', 'send')).toMatch(
      /^Worker "c" has not started yet: it waits for one of the 1 slots of max_active/,
    );
    const started = observe(model, 'a', (worker) => ({
      launchedAt: T0,
      memory: { ...worker.memory, state: 'working', tasks: [ownTask(worker.spec, T0)] },
    }));
    expect(notStartedYet(started, 'a', 'bonus')).toBeUndefined();
  });
});
