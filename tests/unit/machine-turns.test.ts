import { describe, expect, it } from 'vitest';
import { machinesInTurn } from '../../src/launch/machine-turns.js';
import type { WorkerPlan } from '../../src/launch/plan.js';
import { spec } from '../helpers/fleet.js';

const step = (name: string, host?: string): WorkerPlan => ({
  worker: spec(name, host === undefined ? {} : { host }),
  worktree: 'create-branch',
  session: 'create',
  delivery: 'deliver',
  wave: 'now',
  queuedBecause: undefined,
  givenBranch: false,
});

describe('the launch order', () => {
  it('takes the machines in turn, each in the order of the config', () => {
    const steps = [step('a1', 'a'), step('a2', 'a'), step('a3', 'a'), step('b1', 'b'), step('here'), step('b2', 'b')];
    expect(machinesInTurn(steps).map((planned) => planned.worker.name)).toEqual(['a1', 'b1', 'here', 'a2', 'b2', 'a3']);
    expect(machinesInTurn([])).toEqual([]);
  });
});
