import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { Dashboard } from '../../src/ui/app.js';
import type { FleetStatus, WorkerStatus } from '../../src/domain/status/status-schema.js';
import { fixtureSnapshot, fixtureStatus, memoryStore } from '../fixtures/fleet-status.js';
import { lines, recordingActions, settle } from './fakes.js';

afterEach(() => cleanup());

const usage: NonNullable<WorkerStatus['usage']> = {
  tokens: 1_052_000,
  input: 1_050_000,
  output: 2000,
  cacheWrite: 0,
  cacheRead: 0,
  usd: 3.18,
  unpricedModels: [],
  models: ['claude-sonnet-4-5'],
  tasks: [{ task: 'a', tokens: 1_052_000, usd: 3.18, unpricedModels: [] }],
  files: 1,
  skippedLines: 0,
};

function withUsage(): FleetStatus {
  const [first, ...rest] = fixtureStatus.workers;
  if (first === undefined) throw new Error('the fixture has no workers');
  return {
    ...fixtureStatus,
    workers: [{ ...first, usage }, ...rest],
    usage: {
      tokens: 1_052_000,
      usd: 3.18,
      unpricedModels: [],
      usdPerHour: 1.59,
      unknownWorkers: rest.map((worker) => worker.name),
      budget: { worker: {}, fleet: {} },
    },
  };
}

describe('cost on the dashboard', () => {
  it("shows the COST column, the fleet total with its burn rate, and the selected worker's usage", async () => {
    const store = memoryStore(fixtureSnapshot({ status: withUsage() }));
    const app = render(
      <Dashboard store={store} actions={recordingActions().actions} size={{ columns: 160, rows: 40 }} />,
    );
    await settle();
    const screen = lines(app.lastFrame());
    expect(screen[0]).toContain('cost $3.18+? · $1.59/h');
    const header = screen.find((line) => line.includes('WORKER'));
    expect(header).toContain('COST');
    const first = fixtureStatus.workers[0]?.name ?? '';
    expect(screen.find((line) => line.startsWith('›') && line.includes(first))).toContain('$3.18');
    // Workers whose agents keep no records show ? rather than a zero.
    const second = fixtureStatus.workers[1]?.name ?? '';
    expect(screen.find((line) => line.includes(` ${second} `) && !line.startsWith('›'))).toMatch(/ \? /);
    expect(
      screen.some((line) => line.includes('usage: 1.1M tokens (in 1.1M, out 2.0k, cache 0 read, 0 written) · $3.18')),
    ).toBe(true);
  });
});
