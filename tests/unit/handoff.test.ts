import { describe, expect, it } from 'vitest';
import { renderHandoff } from '../../src/domain/text/handoff-text.js';
import type { HandoffFacts, WorkerHandoff, SprintMetrics, TaskMetrics } from '../../src/domain/status/status-schema.js';

const at = (second: number): string => new Date(Date.UTC(2025, 0, 1, 10, 0, second)).toISOString();

function task(name: string, overrides: Partial<TaskMetrics> = {}): TaskMetrics {
  return {
    task: name,
    worker: name,
    startedAt: at(0),
    toDoneMs: 95_000,
    toVerifiedMs: 130_000,
    nudges: 0,
    restarts: 0,
    personActions: 0,
    tokens: 45_200,
    usd: 0.42,
    unpricedModels: [],
    ...overrides,
  };
}

const METRICS: SprintMetrics = {
  hours: 2,
  tasksDone: 2,
  tasksPerHour: 1,
  usd: 3,
  usdPerDoneTask: 1.5,
  usdPerHour: 1.5,
  tokens: 90_400,
  czarActions: 9,
  personActions: 1,
  autonomy: 0.9,
  tasks: [
    task('api'),
    task('ui', {
      toDoneMs: undefined,
      toVerifiedMs: undefined,
      nudges: 2,
      restarts: 1,
      personActions: 1,
      tokens: undefined,
      usd: undefined,
    }),
    task('bonus|1', { worker: 'api', toVerifiedMs: undefined, tokens: 812, usd: 0, unpricedModels: ['mystery-1'] }),
  ],
};

function worker(name: string, overrides: Partial<WorkerHandoff> = {}): WorkerHandoff {
  return {
    name,
    task: `Build ${name}`,
    state: 'done',
    verified: true,
    branch: `czar/${name}`,
    commits: [{ sha: 'a'.repeat(40), subject: `${name}: add it` }],
    files: [{ file: `src/${name}.ts`, insertions: 12, deletions: 3, binary: false }],
    checks: ['integration checks green'],
    resultFile: `/p/.czar/results/${name}.md`,
    alerts: [],
    restarts: 0,
    integrated: true,
    pr: undefined,
    ...overrides,
  };
}

function facts(overrides: Partial<HandoffFacts> = {}): HandoffFacts {
  return {
    project: 'sark',
    base: 'main',
    startedAt: at(0),
    writtenAt: at(300),
    sprintOver: true,
    workers: [
      worker('api'),
      worker('ui', {
        state: 'working',
        verified: false,
        integrated: false,
        commits: [],
        files: [],
        checks: [],
        resultFile: undefined,
        restarts: 1,
        alerts: [{ kind: 'stuck', message: 'no output for 20m', since: at(200) }],
      }),
    ],
    integration: {
      branch: 'czar/integration',
      tip: 'c'.repeat(40),
      holds: ['api'],
      leftOut: [{ worker: 'ui', reason: 'not finished: still working' }],
      conflicts: [],
      baseConflict: undefined,
      baseAdvanced: false,
      pr: undefined,
    },
    metrics: METRICS,
    ...overrides,
  };
}

describe('handoff', () => {
  it('lists each worker with its state, branch, commits, files with +/- lines, checks, result, alerts and restarts', () => {
    const lines = renderHandoff(facts()).split('\n');
    expect(lines).toContain('### api: Build api');
    expect(lines).toContain('- state: done (finished with evidence), integrated into `czar/integration`');
    expect(lines).toContain('- branch: `czar/api`, 1 commit(s)');
    expect(lines).toContain(`  - ${'a'.repeat(10)} api: add it`);
    expect(lines).toContain('- files: 1 (+12 -3)');
    expect(lines).toContain('  - `src/api.ts` +12 -3');
    expect(lines).toContain('- checks: integration checks green');
    expect(lines).toContain('- result file: `/p/.czar/results/api.md`');
    expect(lines).toContain('- state: working (not finished)');
    expect(lines).toContain('- alerts: stuck: no output for 20m');
    expect(lines).toContain('- restarts: 1');
  });

  it("lists a task's checkpoints, each done one with its commit", () => {
    const checkpoints = {
      done: 1,
      total: 2,
      next: { number: 2, text: 'Docs' },
      items: [{ text: 'Lexer', doneAt: at(60), commit: 'b'.repeat(40) }, { text: 'Docs' }],
    };
    const lines = renderHandoff(facts({ workers: [worker('api', { checkpoints })] })).split('\n');
    expect(lines).toContain('- checkpoints: 1/2');
    expect(lines).toContain(`  - 1. [x] Lexer (${'b'.repeat(10)})`);
    expect(lines).toContain('  - 2. [ ] Docs');
  });

  it('lists each child under its parent with its branch and whether it was merged or cancelled, and rolls its cost up', () => {
    const children = [
      { name: 'api-db', branch: 'czar/api-db', outcome: 'merged' as const },
      { name: 'api-old', branch: 'czar/api-old', outcome: 'cancelled' as const },
      { name: 'api-docs', branch: 'czar/api-docs', outcome: 'open' as const },
    ];
    const spawned = task('api', {
      usd: 1.2,
      children: { workers: ['api-db'], ms: 60_000, usd: 0.4, tokens: 9, unpricedModels: [] },
    });
    const lines = renderHandoff(
      facts({ workers: [worker('api', { children })], metrics: { ...METRICS, tasks: [spawned] } }),
    ).split('\n');
    const at = lines.indexOf('- children: 3');
    expect(at).toBeGreaterThan(lines.indexOf('### api: Build api'));
    expect(lines.slice(at + 1, at + 4)).toEqual([
      '  - api-db: branch `czar/api-db`, merged into its parent',
      '  - api-old: branch `czar/api-old`, cancelled',
      '  - api-docs: branch `czar/api-docs`, neither merged nor cancelled',
    ]);
    expect(lines.find((line) => line.startsWith('| api |'))).toContain('$1.20 (children $0.40, 60 s)');
  });

  it('says what the integration branch holds, what it leaves out and why, and what is left for the person', () => {
    const lines = renderHandoff(
      facts({ integration: { ...facts().integration, conflicts: [{ worker: 'db', files: ['schema.sql'] }] } }),
    ).split('\n');
    expect(lines).toContain('## Integration branch `czar/integration`');
    expect(lines).toContain('- holds: api');
    expect(lines).toContain('  - ui: not finished: still working');
    expect(lines).toContain('  - db: schema.sql');
    expect(lines).toContain('- ui is working, not finished: look at it with "czar attach ui"');
    expect(lines).toContain('- db conflicts with czar/integration in schema.sql: its fix-up is pending');
    expect(lines).toContain('- review czar/integration and merge it into main');
    expect(lines).toContain('The czar acted 9 time(s) on its own; you acted 1 time(s): 90% autonomous.');
  });

  it('shows worker-written text with control characters made visible', () => {
    const text = renderHandoff(
      facts({ workers: [worker('api', { commits: [{ sha: 'b'.repeat(40), subject: 'evil \x1b[2J subject' }] })] }),
    );
    expect(text).toContain('evil \u241b[2J subject');
    expect(text).not.toContain('\x1b');
  });

  it("gives the sprint's pace, cost and autonomy, and a table of every task with its times, ladder steps, tokens and cost", () => {
    const lines = renderHandoff(facts()).split('\n');
    const start = lines.indexOf('## Metrics');
    expect(start).toBeGreaterThan(0);
    expect(lines[start + 2]).toBe('sprint 2 h 0 min · 2 task(s) done, 1.0/h · autonomy 90% (czar 9, person 1)  ');
    expect(lines[start + 3]).toBe('cost $3.00 · 90.4k tokens · burn $1.50/h · per done task $1.50  ');
    expect(lines[start + 5]).toBe(
      '| task | worker | done in | verified | nudges | restarts | person | tokens | cost |',
    );
    expect(lines[start + 6]).toBe('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    expect(lines[start + 7]).toBe('| api | api | 95 s | 2 min | 0 | 0 | 0 | 45.2k | $0.42 |');
    // An agent without records: unknown, never zero.
    expect(lines[start + 8]).toBe('| ui | ui | - | - | 2 | 1 | 1 | unknown | unknown |');
    // A pipe in a task name would split the row: it is escaped; an unpriced model is "cost unknown", not $0.
    expect(lines[start + 9]).toBe('| bonus\\|1 | api | 95 s | - | 0 | 0 | 0 | 812 | cost unknown |');
  });

  it('says when nobody acted yet instead of a percentage', () => {
    const text = renderHandoff(
      facts({ metrics: { ...METRICS, czarActions: 0, personActions: 0, autonomy: undefined } }),
    );
    expect(text).toContain('The czar acted 0 time(s) on its own; you acted 0 time(s).');
    expect(text).toContain('autonomy no actions yet');
  });
});
