import { describe, expect, it } from 'vitest';
import { EMPTY_TALLY, sprintMetrics, tallyEvents } from '../../src/domain/status/metrics.js';
import type { FleetEvent } from '../../src/domain/model/words.js';
import type { FleetStatus, WorkerStatus } from '../../src/domain/status/status-schema.js';
import { statsLines } from '../../src/cli/commands/stats.js';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const event = (
  minutes: number,
  kind: string,
  worker: string,
  message: string,
  data?: Record<string, unknown>,
): FleetEvent => ({ at: at(minutes), kind, worker, message, ...(data === undefined ? {} : { data }) });

function worker(name: string, usage: WorkerStatus['usage']): WorkerStatus {
  return {
    name,
    state: 'done',
    since: at(0),
    branch: `czar/${name}`,
    title: name,
    agent: 'claude',
    git: { commitsAhead: 1, filesChanged: [], dirty: [] },
    restarts: 0,
    alerts: [],
    paused: false,
    tasks: [name],
    ...(usage === undefined ? {} : { usage }),
  };
}

const usage = (tasks: { task: string; tokens: number; usd: number }[]): WorkerStatus['usage'] => ({
  tokens: tasks.reduce((sum, task) => sum + task.tokens, 0),
  input: 0,
  output: 0,
  cacheWrite: 0,
  cacheRead: 0,
  usd: tasks.reduce((sum, task) => sum + task.usd, 0),
  unpricedModels: [],
  models: ['m'],
  tasks: tasks.map((task) => ({ ...task, unpricedModels: [] })),
  files: 1,
  skippedLines: 0,
});

describe('sprint metrics', () => {
  const status: FleetStatus = {
    project: 'p',
    base: 'main',
    startedAt: at(0),
    updatedAt: at(120),
    paused: false,
    queue: [],
    sprintOver: true,
    workers: [
      worker(
        'a',
        usage([
          { task: 'a', tokens: 1000, usd: 2 },
          { task: 'bonus-1', tokens: 500, usd: 1 },
        ]),
      ),
      worker('sh', undefined),
    ],
    usage: {
      tokens: 1500,
      usd: 3,
      unpricedModels: [],
      usdPerHour: 1.5,
      unknownWorkers: ['sh'],
      budget: { worker: {}, fleet: {} },
    },
  };
  const events: FleetEvent[] = [
    event(0, 'launch', 'a', 'launching: slot 1 of 6 free'),
    event(1, 'task_delivered', 'a', 'delivered', { taskId: 'a' }),
    event(20, 'nudge', 'a', 'idle 95 s'),
    event(25, 'send', 'a', 'message from the person (20 bytes)'),
    event(30, 'state', 'a', 'working -> done: reported done with 1 commit'),
    event(31, 'bonus', 'a', 'gave bonus task "x" (bonus-1): finished a'),
    event(32, 'task_delivered', 'a', 'delivered', { taskId: 'bonus-1' }),
    event(40, 'restart', 'a', 'restart asked by the person'),
    event(41, 'task_delivered', 'a', 'delivered again', { taskId: 'bonus-1' }),
    event(62, 'state', 'a', 'working -> verified: every check passed'),
    event(1, 'task_delivered', 'sh', 'delivered', { taskId: 'sh' }),
  ];
  const metrics = sprintMetrics(status, tallyEvents(EMPTY_TALLY, events), T0 + 120 * 60_000);

  it('gives each task its own time to done, ladder steps, person actions and cost', () => {
    const [own, bonus, shell] = metrics.tasks;
    expect(own).toMatchObject({
      task: 'a',
      toDoneMs: 29 * 60_000,
      nudges: 1,
      restarts: 0,
      personActions: 1,
      tokens: 1000,
      usd: 2,
    });
    // The restart delivered the same task again: still one task, timed from its first delivery.
    expect(bonus).toMatchObject({
      task: 'bonus-1',
      toDoneMs: 30 * 60_000,
      restarts: 1,
      personActions: 1,
      tokens: 500,
      usd: 1,
    });
    expect(bonus?.toVerifiedMs).toBe(30 * 60_000);
    expect(own?.toVerifiedMs).toBeUndefined();
    expect(shell).toMatchObject({ task: 'sh', toDoneMs: undefined, tokens: undefined, usd: undefined });
  });

  it('sums the sprint: pace, cost per done task, burn rate and the autonomy figure', () => {
    expect(metrics.tasksDone).toBe(2);
    expect(metrics.tasksPerHour).toBe(1);
    expect(metrics.usdPerDoneTask).toBe(1.5);
    expect(metrics.usdPerHour).toBe(1.5);
    // czar: launch, nudge, bonus; person: send, the restart they asked for.
    expect([metrics.czarActions, metrics.personActions]).toEqual([3, 2]);
    expect(metrics.autonomy).toBeCloseTo(0.6);
    const lines = statsLines(metrics);
    expect(lines[0]).toContain('autonomy 60% (czar 3, person 2)');
    expect(lines[1]).toContain('cost $3.00');
    expect(lines.find((line) => line.includes(' sh '))).toContain('unknown');
  });

  it('folds the log in any slices to the same tally, as the czar does line by line', () => {
    const whole = tallyEvents(EMPTY_TALLY, events);
    const bySlices = [events.slice(0, 3), events.slice(3, 4), [], events.slice(4, 9), events.slice(9)].reduce(
      tallyEvents,
      EMPTY_TALLY,
    );
    expect(bySlices).toEqual(whole);
    expect(whole.events).toBe(events.length);
  });

  it("counts the integration branch's merges and an interrupt as the czar's, and any action a person asked for as theirs", () => {
    const tally = tallyEvents(EMPTY_TALLY, [
      event(1, 'integrated', 'a', 'merged czar/a into czar/integration'),
      event(2, 'interrupt', 'a', 'over budget: pressed Escape'),
      event(3, 'pause', 'a', 'autonomy paused for a by the person'),
      event(4, 'bonus', 'a', 'gave bonus task "x": asked by the person'),
      event(5, 'report', 'a', 'reported done'),
    ]);
    expect([tally.czarActions, tally.personActions]).toEqual([2, 2]);
  });

  it("rolls spawned workers' tokens and cost up into the task that spawned them, and shows them apart", () => {
    const family: FleetStatus = {
      ...status,
      workers: [
        worker('p', usage([{ task: 'p', tokens: 800, usd: 0.8 }])),
        { ...worker('c1', usage([{ task: 'c1', tokens: 300, usd: 0.3 }])), parent: 'p' },
        { ...worker('g', usage([{ task: 'g', tokens: 100, usd: 0.1 }])), parent: 'c1' },
      ],
    };
    const log = [
      event(0, 'task_delivered', 'p', 'delivered', { taskId: 'p' }),
      event(5, 'task_delivered', 'c1', 'delivered', { taskId: 'c1' }),
      event(6, 'task_delivered', 'g', 'delivered', { taskId: 'g' }),
      event(10, 'state', 'g', 'working -> done: reported done'),
      event(15, 'state', 'c1', 'working -> done: reported done'),
      event(30, 'state', 'p', 'working -> done: reported done'),
    ];
    const [parent, child, grandchild] = sprintMetrics(family, tallyEvents(EMPTY_TALLY, log), T0 + 60 * 60_000).tasks;
    expect(parent?.tokens).toBe(1200);
    expect(parent?.usd).toBeCloseTo(1.2);
    expect(parent?.children).toEqual({
      workers: ['c1', 'g'],
      ms: 14 * 60_000,
      tokens: 400,
      usd: 0.4,
      unpricedModels: [],
    });
    expect(child).toMatchObject({ tokens: 400, children: { workers: ['g'], usd: 0.1 } });
    expect(child?.usd).toBeCloseTo(0.4);
    expect(grandchild?.children).toBeUndefined();
    const row = statsLines(sprintMetrics(family, tallyEvents(EMPTY_TALLY, log), T0)).find((line) =>
      line.includes(' p '),
    );
    expect(row).toContain('$1.20 (children $0.40, 14 min)');
  });

  it("leaves a parent's cost its own when a child's is unknown, and says the children's is unknown", () => {
    const family: FleetStatus = {
      ...status,
      workers: [
        worker('p', usage([{ task: 'p', tokens: 800, usd: 0.8 }])),
        { ...worker('sh', undefined), parent: 'p' },
      ],
    };
    const log = [
      event(0, 'task_delivered', 'p', 'delivered', { taskId: 'p' }),
      event(5, 'task_delivered', 'sh', 'delivered', { taskId: 'sh' }),
    ];
    const metrics = sprintMetrics(family, tallyEvents(EMPTY_TALLY, log), T0);
    expect(metrics.tasks[0]).toMatchObject({ tokens: 800, usd: 0.8, children: { workers: ['sh'], ms: 0 } });
    expect(metrics.tasks[0]?.children?.usd).toBeUndefined();
    expect(statsLines(metrics).find((line) => line.includes(' p '))).toContain('$0.80 (children unknown)');
  });
});
