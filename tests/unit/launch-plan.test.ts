import { describe, expect, it } from 'vitest';
import type { Config, WorkerSpec } from '../../src/domain/model/config-types.js';
import { describePlan, planLaunch, planWorker, type LaunchFacts } from '../../src/launch/plan.js';
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
    checks: [],
    bonus: [],
    notify: undefined,
    hosts: [],
    integration: { branch: 'czar/integration', checks: [], advanceBase: false },
    pr: { remote: 'origin', when: 'off', draft: true, commentsEveryMs: 60_000 },
    prices: {},
  };
}

/** Branches with made-up tips: the plan looks at names only. */
function branchesAt(names: readonly string[]): Map<string, string> {
  return new Map(names.map((name) => [name, '0'.repeat(40)]));
}

function facts(overrides: Partial<LaunchFacts> = {}): LaunchFacts {
  return {
    worktrees: [{ path: '/p/repo', branch: 'main' }],
    branches: branchesAt(['main']),
    otherRefs: new Set(),
    sessions: new Set(),
    deadSessions: new Set(),
    commandMissing: new Set(),
    socketPath: '/tmp/tmux-0/czar-p',
    worktreesKind: 'missing',
    existingPaths: new Set(),
    records: new Map(),
    reports: new Map(),
    baseExists: true,
    madeBranches: new Set(),
    ...overrides,
  };
}

describe('the launch plan', () => {
  it('creates branches and worktrees for a fresh fleet, queues dependents and what is over max_active', () => {
    const plan = planLaunch(config([spec('a'), spec('b', { dependsOn: ['a'] }), spec('c'), spec('d')], 2), facts());
    expect(plan.problems).toEqual([]);
    expect(
      plan.workers.map((step) => [
        step.worker.name,
        step.worktree,
        step.session,
        step.delivery,
        step.wave,
        step.queuedBecause,
      ]),
    ).toEqual([
      ['a', 'create-branch', 'create', 'deliver', 'now', undefined],
      ['b', 'create-branch', 'create', 'deliver', 'queued', 'waits for a'],
      ['c', 'create-branch', 'create', 'deliver', 'now', undefined],
      ['d', 'create-branch', 'create', 'deliver', 'queued', 'max_active is 2'],
    ]);
  });

  it('adopts what runs: no second delivery into an agent that has its task, and every agent without it gets it', () => {
    const started = '2026-01-01T10:00:00.000Z';
    const later = '2026-01-01T10:00:05.000Z';
    const names = ['delivered', 'reported', 'interrupted', 'started', 'fresh', 'finished', 'never'];
    const plan = planLaunch(
      config(names.map((name) => spec(name))),
      facts({
        worktrees: names.map((name) => ({ path: `/tmp/wt/${name}`, branch: `czar/${name}` })),
        branches: branchesAt(['main', ...names.map((name) => `czar/${name}`)]),
        existingPaths: new Set(names.map((name) => `/tmp/wt/${name}`)),
        sessions: new Set(['delivered', 'reported', 'interrupted', 'started']),
        records: new Map([
          ['delivered', { deliveryStartedAt: started, deliveredAt: later }],
          ['reported', { deliveryStartedAt: started }],
          ['interrupted', { deliveryStartedAt: started }],
          ['started', { deliveryStartedAt: started }],
          ['fresh', { deliveryStartedAt: started, deliveredAt: later }],
          ['finished', { deliveryStartedAt: started, deliveredAt: later }],
        ]),
        reports: new Map([
          ['reported', { state: 'working', at: later }],
          ['interrupted', { state: 'working', at: '2026-01-01T09:00:00.000Z' }],
          // An agent reports idle as it starts: that is no sign the task arrived.
          ['started', { state: 'idle', at: later }],
          ['fresh', { state: 'working', at: later }],
          ['finished', { state: 'done', at: later }],
        ]),
      }),
    );
    expect(plan.workers.map((step) => [step.worker.name, step.session, step.delivery])).toEqual([
      ['delivered', 'adopt', 'skip'],
      ['reported', 'adopt', 'skip'],
      ['interrupted', 'adopt', 'redeliver'],
      ['started', 'adopt', 'redeliver'],
      ['fresh', 'create', 'resume'],
      ['finished', 'create', 'skip'],
      ['never', 'create', 'deliver'],
    ]);
  });

  it("never pastes a plain shell's task again once its paste began: the shell may have run it", () => {
    const started = '2026-01-01T10:00:00.000Z';
    const names = ['running', 'exited', 'never'];
    const shell = { name: 'shell', preset: 'shell' as const, command: 'bash', args: [], env: {} };
    const plan = planLaunch(
      config(names.map((name) => spec(name, { agent: shell }))),
      facts({
        worktrees: names.map((name) => ({ path: `/tmp/wt/${name}`, branch: `czar/${name}` })),
        branches: branchesAt(['main', ...names.map((name) => `czar/${name}`)]),
        existingPaths: new Set(names.map((name) => `/tmp/wt/${name}`)),
        sessions: new Set(['running', 'exited']),
        deadSessions: new Set(['exited']),
        records: new Map([
          ['running', { deliveryStartedAt: started }],
          ['exited', { deliveryStartedAt: started }],
        ]),
      }),
    );
    expect(plan.workers.map((step) => [step.worker.name, step.session, step.delivery])).toEqual([
      ['running', 'adopt', 'may-have-run'],
      ['exited', 'respawn', 'may-have-run'],
      ['never', 'create', 'deliver'],
    ]);
    expect(describePlan(config([]), plan).filter((line) => line.includes('may have run'))).toHaveLength(2);
  });

  it('makes a worktree again when git still lists it but its folder was deleted, never "reuse" a missing folder', () => {
    const plan = planLaunch(
      config([spec('gone')]),
      facts({
        worktrees: [{ path: '/tmp/wt/gone', branch: 'czar/gone' }],
        branches: branchesAt(['main', 'czar/gone']),
      }),
    );
    expect(plan.problems).toEqual([]);
    expect(plan.workers.map((step) => step.worktree)).toEqual(['recreate']);
  });

  it('starts the agent again in the worktree made again: the one still running lost its folder', () => {
    const plan = planLaunch(
      config([spec('gone')]),
      facts({
        worktrees: [{ path: '/tmp/wt/gone', branch: 'czar/gone' }],
        branches: branchesAt(['main', 'czar/gone']),
        sessions: new Set(['gone']),
        records: new Map([
          ['gone', { deliveryStartedAt: '2026-01-01T10:00:00.000Z', deliveredAt: '2026-01-01T10:00:05.000Z' }],
        ]),
      }),
    );
    expect(plan.workers.map((step) => [step.worktree, step.session, step.delivery])).toEqual([
      ['recreate', 'respawn', 'resume'],
    ]);
  });

  it('finds every problem before anything is made, each naming the worker and the fix', () => {
    const plan = planLaunch(
      config([spec('elsewhere'), spec('wrong'), spec('blocked')]),
      facts({
        baseExists: false,
        worktrees: [
          { path: '/other/place', branch: 'czar/elsewhere' },
          { path: '/tmp/wt/wrong', branch: 'feature/x' },
        ],
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

  it('refuses a branch name git would read as another ref: one under refs/, or one a tag or remote also has', () => {
    const plan = planLaunch(
      config([
        spec('full', { branch: 'refs/heads/main' }),
        spec('tagged', { branch: 'v1' }),
        spec('remote', { branch: 'origin' }),
        spec('plain', { branch: 'feat/x' }),
      ]),
      facts({
        otherRefs: new Set(['refs/tags/v1', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main', 'refs/tags/feat']),
      }),
    );
    expect(plan.problems).toEqual([
      'Branch "refs/heads/main" of worker "full" starts with "refs/", so git would make refs/heads/refs/heads/main and read the name as another ref; give the worker a "branch:" without the refs/ prefix in /p/czar.yaml.',
      'Branch "v1" of worker "tagged" has the name of refs/tags/v1, so git would read "v1" as that ref, not the branch; give the worker another "branch:" in /p/czar.yaml, or rename that ref.',
      'Branch "origin" of worker "remote" has the name of refs/remotes/origin/HEAD, so git would read "origin" as that ref, not the branch; give the worker another "branch:" in /p/czar.yaml, or rename that ref.',
    ]);
  });

  it('names the real fix for a worktree moved away with "git worktree move", and the dry run does not call it reused', () => {
    const cfg = config([spec('a')]);
    const plan = planLaunch(
      cfg,
      facts({
        worktrees: [
          { path: '/p/repo', branch: 'main' },
          { path: '/elsewhere/a', branch: 'czar/a' },
        ],
        branches: branchesAt(['main', 'czar/a']),
        records: new Map([['a', { deliveredAt: '2026-01-01T10:00:00.000Z' }]]),
      }),
    );
    expect(plan.problems).toEqual([
      'The worktree of worker "a" is at /elsewhere/a, not at /tmp/wt/a (moved with "git worktree move"?); move it back with "git worktree move /elsewhere/a /tmp/wt/a", or give the worker another "branch:".',
    ]);
    expect(describePlan(cfg, plan).find((line) => line.startsWith('  a:'))).toBe(
      '  a: czar/a (not launched: see the problem below) · start czar-sim-agent · new agent: task pasted again with the commits so far',
    );
  });

  it("names a host worker's worktree on its host, and no local worktrees folder when no worker is local", () => {
    const cfg = config([spec('g', { host: 'gpu1', worktree: '/srv/czar/p/workers/g' })]);
    expect(describePlan(cfg, planLaunch(cfg, facts())).filter((line) => !line.startsWith('  env:'))).toEqual([
      'project p: tmux server "czar-p", base "main"',
      '  g: czar/g (new branch from main) on host "gpu1" in /srv/czar/p/workers/g · start czar-sim-agent · paste task',
    ]);
  });

  it('prints as lines a person can read (czar up --dry-run)', () => {
    const cfg = config([spec('a'), spec('b', { dependsOn: ['a'] })]);
    expect(describePlan(cfg, planLaunch(cfg, facts()))).toEqual([
      'project p: tmux server "czar-p", base "main", worktrees in /tmp/wt',
      '  env: czar sets CZAR_PROJECT, CZAR_WORKER, CZAR_STATE_DIR, CZAR_CONFIG and CZAR_WORKER_PROOF for each agent, and puts its own bin folder first on PATH',
      '  a: czar/a (new branch from main) · start czar-sim-agent · paste task',
      '  b: czar/b (new branch from main) · start czar-sim-agent · paste task [queued: waits for a]',
    ]);
  });

  it("plans a worker the czar starts from the facts about it alone as czar up's wave would have", () => {
    const workers = [spec('a'), spec('b', { dependsOn: ['a'] })];
    const started = '2026-01-01T10:00:00.000Z';
    const whole = facts({
      branches: branchesAt(['main', 'czar/a', 'czar/b']),
      worktrees: [
        { path: '/p/repo', branch: 'main' },
        { path: '/tmp/wt/a', branch: 'czar/a' },
      ],
      existingPaths: new Set(['/tmp/wt/a']),
      sessions: new Set(['a']),
      records: new Map([['a', { deliveryStartedAt: started, deliveredAt: started }]]),
    });
    // What gatherFacts reads for b alone: no pane, record, report or command of another worker.
    const ofB = { ...whole, sessions: new Set<string>(), records: new Map() };
    const { step, problems } = planWorker(config(workers), ofB, workers[1] as WorkerSpec);
    const waved = planLaunch(config(workers), whole).workers[1];
    expect(problems).toEqual([]);
    expect(waved?.wave).toBe('queued');
    expect(step).toEqual({ ...waved, wave: 'now', queuedBecause: undefined });
    expect([step.worktree, step.session, step.delivery]).toEqual(['checkout-branch', 'create', 'deliver']);
  });
});
