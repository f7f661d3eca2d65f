import { describe, expect, it } from 'vitest';
import { needsYou } from '../../src/domain/status/needs-you.js';
import type { FleetStatus, WorkerStatus } from '../../src/domain/status/status-schema.js';

const at = '2026-01-01T00:00:00.000Z';

function worker(name: string, overrides: Partial<WorkerStatus>): WorkerStatus {
  return {
    name,
    state: 'working',
    since: at,
    branch: `czar/${name}`,
    title: name,
    agent: 'sim',
    git: { commitsAhead: 0, filesChanged: [], dirty: [] },
    restarts: 0,
    alerts: [],
    paused: false,
    tasks: [name],
    ...overrides,
  };
}

const fleet = (workers: WorkerStatus[]): FleetStatus =>
  ({
    project: 'p',
    base: 'main',
    startedAt: at,
    updatedAt: at,
    paused: false,
    workers,
    queue: [],
    sprintOver: false,
  }) as FleetStatus;

describe('needsYou', () => {
  it('names each worker the czar cannot help alone, with its reason in one line and the answering action', () => {
    const waiting = worker('w', {
      state: 'waiting',
      lastOutput: '1. Yes',
      alerts: [{ kind: 'waiting_input', message: 'needs your input: Which\ndatabase?', since: at }],
    });
    const review = {
      state: 'changes_requested' as const,
      reviewer: 'sim',
      round: 3,
      maxRounds: 3,
      summary: 'still no tests',
      findings: [],
    };
    expect(
      needsYou(
        fleet([
          waiting,
          worker('ok', {}),
          worker('b', { state: 'over_budget', alerts: [{ kind: 'budget', message: 'over budget ($5)', since: at }] }),
          worker('s', { state: 'stuck', alerts: [{ kind: 'stuck', message: 'no output for 20m', since: at }] }),
          worker('r', { state: 'idle', review }),
          worker('r2', { state: 'idle', review: { ...review, round: 2 } }),
        ]),
      ),
    ).toEqual([
      { worker: 'w', reason: 'needs your input: Which database?', action: 'answer' },
      { worker: 'b', reason: 'over budget ($5)', action: 'resume' },
      { worker: 's', reason: 'stuck: no output for 20m', action: 'restart' },
      { worker: 'r', reason: 'review round 3 of 3: still no tests', action: 'comment' },
    ]);
  });
});
