import { describe, expect, it } from 'vitest';
import type { Config, WorkerSpec } from '../../src/domain/types.js';
import { describePlan, planLaunch, type LaunchFacts } from '../../src/launch/plan.js';
import { policy, spec } from '../helpers/fleet.js';

function config(workers: readonly WorkerSpec[], maxActive = 6): Config {
  return {
    file: '/p/czar.yaml',
    project: 'p',
    repo: '/p/repo',
    base: 'main',
    worktrees: '/tmp/wt',
    stateDir: '/p/.czar',
    tmuxSocket: 'czar-p',
    defaultAgent: 'sim',
    agents: {},
    workers,
    policy: policy({ maxActive }),
    bonus: [],
    notify: undefined,
    hosts: [],
  };
}

function facts(overrides: Partial<LaunchFacts> = {}): LaunchFacts {
  return { worktrees: [{ path: '/p/repo', branch: 'main' }], branches: new Set(['main']), sessions: new Set(), existingPaths: new Set(), records: new Map(), baseExists: true, ...overrides };
}

describe('the launch plan', () => {
  it('creates branches and worktrees for a fresh fleet, queues dependents and what is over max_active', () => {
    const plan = planLaunch(config([spec('a'), spec('b', { dependsOn: ['a'] }), spec('c'), spec('d')], 2), facts());
    expect(plan.problems).toEqual([]);
    expect(plan.workers.map((step) => [step.worker.name, step.worktree, step.session, step.delivery, step.wave, step.queuedBecause])).toEqual([
      ['a', 'create-branch', 'create', 'deliver', 'now', undefined],
      ['b', 'create-branch', 'create', 'deliver', 'queued', 'waits for a'],
      ['c', 'create-branch', 'create', 'deliver', 'now', undefined],
      ['d', 'create-branch', 'create', 'deliver', 'queued', 'max_active is 2'],
    ]);
  });

  it('adopts what runs: no second delivery, and an unconfirmed delivery is not pasted again', () => {
    const plan = planLaunch(
      config([spec('a'), spec('b'), spec('c')]),
      facts({
        worktrees: [{ path: '/tmp/wt/a', branch: 'czar/a' }, { path: '/tmp/wt/b/', branch: 'czar/b' }],
        branches: new Set(['main', 'czar/a', 'czar/b', 'czar/c']),
        sessions: new Set(['a', 'b']),
        records: new Map([['a', { deliveredAt: 'x' }], ['b', { deliveryStartedAt: 'y' }]]),
      }),
    );
    expect(plan.workers.map((step) => [step.worktree, step.session, step.delivery])).toEqual([
      ['reuse', 'adopt', 'skip'],
      ['reuse', 'adopt', 'unknown'],
      ['checkout-branch', 'create', 'deliver'],
    ]);
  });

  it('finds every problem before anything is made, each naming the worker and the fix', () => {
    const plan = planLaunch(
      config([spec('elsewhere'), spec('wrong'), spec('blocked')]),
      facts({
        baseExists: false,
        worktrees: [{ path: '/other/place', branch: 'czar/elsewhere' }, { path: '/tmp/wt/wrong', branch: 'feature/x' }],
        existingPaths: new Set(['/tmp/wt/blocked']),
      }),
    );
    expect(plan.problems).toEqual([
      'Base branch "main" does not exist in /p/repo; create it or set "base:" in /p/czar.yaml.',
      'Branch "czar/elsewhere" of worker "elsewhere" is already checked out at /other/place; switch that checkout to another branch or give the worker another "branch:".',
      'The worktree /tmp/wt/wrong of worker "wrong" is on branch "feature/x", not "czar/wrong"; check out "czar/wrong" there or remove that worktree with "git worktree remove".',
      'The path /tmp/wt/blocked for worker "blocked" already exists and is not a worktree of this repo; move it away or set "worktrees:" to another folder.',
    ]);
    // Each worker's own problem stays with its step, so the czar launching one worker later sees only its own.
    expect(plan.workers.map((step) => step.problem)).toEqual(plan.problems.slice(1));
  });

  it('prints as lines a person can read (czar up --dry-run)', () => {
    const cfg = config([spec('a'), spec('b', { dependsOn: ['a'] })]);
    expect(describePlan(cfg, planLaunch(cfg, facts()))).toEqual([
      'project p: tmux server "czar-p", base "main", worktrees in /tmp/wt',
      '  a: czar/a (new branch from main) · start czar-sim-agent · paste task',
      '  b: czar/b (new branch from main) · start czar-sim-agent · paste task [queued: waits for a]',
    ]);
  });
});
