import { describe, expect, it } from 'vitest';
import { EMPTY_TALLY, sprintMetrics, tallyEvents } from '../../src/domain/status/metrics.js';
import type { FleetModel } from '../../src/domain/model/model.js';
import { fleetStatus, type StatusExtras } from '../../src/domain/status/status-render.js';
import type { FleetStatus } from '../../src/domain/status/status-schema.js';
import { statusPieces, withUpdatedAt } from '../../src/domain/status/status-text.js';
import type { FleetEvent } from '../../src/domain/model/words.js';
import { alivePane, commits, fleet, observe, SECOND, spec, T0, tick } from '../helpers/fleet.js';

/** What the czar writes: the pieces one after another. */
const statusText = (status: FleetStatus): string => statusPieces(status).join('');

const delivered = (worker: string): FleetEvent => ({
  at: new Date(T0).toISOString(),
  kind: 'task_delivered',
  message: `delivered task "${worker}"`,
  worker,
  data: { taskId: worker },
});

/** A fleet of three as status.json shows it, metrics included; a spawned child gives the parent a family entry. */
function statusOf(model: FleetModel, extras: ReadonlyMap<string, StatusExtras>, events: FleetEvent[]): FleetStatus {
  const now = T0 + 30 * SECOND;
  const facts = fleetStatus(model, { project: 'p', startedAt: new Date(T0).toISOString(), now }, extras);
  return { ...facts, metrics: sprintMetrics(facts, tallyEvents(EMPTY_TALLY, events), now) };
}

function threeWorkers(): FleetModel {
  let model = tick(
    fleet([spec('a'), spec('b', { task: 'tab\there "quoted" \u0007 ünï' }), spec('c', { parent: 'a' })]),
    T0,
  ).fleet;
  model = observe(model, 'a', () => ({ git: commits(2, T0, ['src/a.ts']), pane: alivePane(T0) }));
  return model;
}

describe('status.json text', () => {
  it('is JSON.stringify(status, null, 2) to the character, before and after a worker changes', () => {
    const events = ['a', 'b', 'c'].map(delivered);
    const extras = new Map<string, StatusExtras>([['a', { paneId: '%1', lastOutput: 'line\nwith "newline"' }]]);
    const model = threeWorkers();
    const first = statusOf(model, extras, events);
    expect(statusText(first)).toBe(JSON.stringify(first, null, 2));
    const moved = observe(model, 'b', () => ({ git: commits(1, T0 + SECOND, ['docs/b.md']), pane: alivePane(T0) }));
    const second = statusOf(moved, extras, [...events, { ...delivered('b'), data: { taskId: 'b2' } }]);
    expect(statusText(second)).toBe(JSON.stringify(second, null, 2));
    expect(statusText(second)).toContain('docs/b.md');
  });

  it('is exact for workers with alerts, whose text is kept with their list while the rest of the entry moves', () => {
    const alert = (peer: string, message: string) => ({
      kind: 'overlap' as const,
      message,
      since: new Date(T0).toISOString(),
      files: ['shared.txt'],
      peer,
    });
    const alerts = [alert('b', 'plain'), alert('c', 'odd: \n  "alerts": 0 and "quotes"\n')];
    const model = threeWorkers();
    const alerted = {
      ...model,
      workers: model.workers.map((worker) => ({ ...worker, memory: { ...worker.memory, alerts } })),
    };
    const first = statusOf(alerted, new Map(), []);
    expect(statusText(first)).toBe(JSON.stringify(first, null, 2));
    const later = observe(alerted, 'a', () => ({ pane: alivePane(T0, { lastOutputAt: T0 + SECOND }) }));
    const second = statusOf(later, new Map([['a', { lastOutput: 'x' }]]), []);
    expect(second.workers[0]).not.toBe(first.workers[0]);
    expect(statusText(second)).toBe(JSON.stringify(second, null, 2));
  });

  it('is right for a fleet with no workers, no tasks and no metrics', () => {
    const empty = statusOf(fleet([]), new Map(), []);
    expect(statusText(empty)).toBe(JSON.stringify(empty, null, 2));
    const { metrics: _none, ...withoutMetrics } = empty;
    expect(statusText(withoutMetrics)).toBe(JSON.stringify(withoutMetrics, null, 2));
  });

  it('keeps the entries of the workers that did not change, and builds again the one that did', () => {
    const model = threeWorkers();
    const extras = new Map<string, StatusExtras>([['b', { paneId: '%2' }]]);
    const before = statusOf(model, extras, []);
    const moved = observe(model, 'b', () => ({ git: commits(3, T0 + SECOND, ['src/b.ts']), pane: alivePane(T0) }));
    const after = statusOf(moved, extras, []);
    expect(after.workers[2]).toBe(before.workers[2]);
    expect(after.workers[1]).not.toBe(before.workers[1]);
    expect(after.workers[1]?.git.commitsAhead).toBe(3);
    // New extras for a worker (its pane, its last line) are news too.
    const shown = statusOf(moved, new Map([['b', { paneId: '%2', lastOutput: 'new line' }]]), []);
    expect(shown.workers[1]?.lastOutput).toBe('new line');
  });

  it("keeps a kept worker's piece as the same string, and sets the top-level updatedAt alone", () => {
    const model = threeWorkers();
    const first = statusOf(model, new Map(), []);
    const moved = observe(model, 'b', () => ({ git: commits(3, T0 + SECOND, ['src/b.ts']), pane: alivePane(T0) }));
    const second = statusOf(moved, new Map(), []);
    const [before, after] = [statusPieces(first), statusPieces(second)];
    const kept = JSON.stringify(first.workers[2], null, 2).replaceAll('\n', '\n    ');
    expect(after.find((piece) => piece === kept)).toBe(before.find((piece) => piece === kept));
    expect(after.filter((piece, index) => piece !== before[index]).join('')).toContain('src/b.ts');
    const at = '2026-11-26T01:02:03.000Z';
    const written = withUpdatedAt(statusPieces({ ...second, updatedAt: '' }), at).join('');
    expect(written).toBe(JSON.stringify({ ...second, updatedAt: at }, null, 2));
  });
});
