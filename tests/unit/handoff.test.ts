import { describe, expect, it } from 'vitest';
import { autonomy, renderHandoff, timeTo, type HandoffFacts, type WorkerHandoff } from '../../src/domain/handoff.js';
import type { FleetEvent } from '../../src/domain/types.js';

const at = (second: number): string => new Date(Date.UTC(2025, 0, 1, 10, 0, second)).toISOString();
const event = (second: number, kind: string, worker?: string, message = ''): FleetEvent => ({ at: at(second), kind, message, ...(worker === undefined ? {} : { worker }) });

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
    nudges: 0,
    restarts: 0,
    timeToDoneMs: 95_000,
    timeToVerifiedMs: 130_000,
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
    workers: [worker('api'), worker('ui', { state: 'working', verified: false, integrated: false, commits: [], files: [], checks: [], resultFile: undefined, nudges: 2, restarts: 1, timeToDoneMs: undefined, timeToVerifiedMs: undefined, alerts: [{ kind: 'stuck', message: 'no output for 20m', since: at(200) }] })],
    integration: { branch: 'czar/integration', tip: 'c'.repeat(40), holds: ['api'], leftOut: [{ worker: 'ui', reason: 'not finished: still working' }], conflicts: [], baseConflict: undefined, baseAdvanced: false, pr: undefined },
    autonomy: { person: 1, czar: 9, percent: 90 },
    ...overrides,
  };
}

describe('handoff', () => {
  it('lists each worker with its state, branch, commits, files with +/- lines, checks, result, alerts, nudges, restarts and times', () => {
    const lines = renderHandoff(facts()).split('\n');
    expect(lines).toContain('### api: Build api');
    expect(lines).toContain('- state: done (finished with evidence), integrated into `czar/integration`');
    expect(lines).toContain('- branch: `czar/api`, 1 commit(s)');
    expect(lines).toContain(`  - ${'a'.repeat(10)} api: add it`);
    expect(lines).toContain('- files: 1 (+12 -3)');
    expect(lines).toContain('  - `src/api.ts` +12 -3');
    expect(lines).toContain('- checks: integration checks green');
    expect(lines).toContain('- result file: `/p/.czar/results/api.md`');
    expect(lines).toContain('- time to done: 1m 35s · time to verified: 2m 10s');
    expect(lines).toContain('- state: working (not finished)');
    expect(lines).toContain('- alerts: stuck: no output for 20m');
    expect(lines).toContain('- nudges: 2 · restarts: 1');
    expect(lines).toContain('- time to done: - · time to verified: -');
  });

  it('says what the integration branch holds, what it leaves out and why, and what is left for the person', () => {
    const lines = renderHandoff(facts({ integration: { ...facts().integration, conflicts: [{ worker: 'db', files: ['schema.sql'] }] } })).split('\n');
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
    const text = renderHandoff(facts({ workers: [worker('api', { commits: [{ sha: 'b'.repeat(40), subject: 'evil \x1b[2J subject' }] })] }));
    expect(text).toContain('evil \u241b[2J subject');
    expect(text).not.toContain('\x1b');
  });

  it('counts the person\'s actions against the czar\'s own from the event log', () => {
    const events = [
      event(1, 'launch', 'api', 'launching: slot free'),
      event(2, 'nudge', 'api'),
      event(3, 'send', 'api', 'message from the person (12 bytes)'),
      event(4, 'restart', 'api', 'restart asked by the person'),
      event(5, 'restart', 'api', 'restart 1 (crashed): pane died'),
      event(6, 'report', 'api', 'reported done'),
      event(7, 'integrated', 'api'),
    ];
    expect(autonomy(events)).toEqual({ person: 2, czar: 4, percent: 66.7 });
    expect(autonomy([])).toEqual({ person: 0, czar: 0, percent: undefined });
    expect(timeTo(events, 'api', (e) => e.kind === 'integrated')).toBe(6000);
    expect(timeTo(events, 'ui', (e) => e.kind === 'integrated')).toBeUndefined();
  });
});
