import { IncrementalLineReader } from '../src/adapters/line-reader.js';
import path from 'node:path';
import type { FleetEvent } from '../src/domain/model/words.js';
import { ms, percentile, row } from './harness.js';
import { launchFleet, readStatus, report, settled, until, type Fleet } from './supervise.js';
import { commitIn } from './verify.js';

const WORKERS = 50;
// Twenty, so that the p95 is the second slowest sample, not the slowest: with eight, one slow delivery was the figure.
const SAMPLES = 20;

/**
 * The fleet's events, each line read and parsed once: a poll every 20 ms that parsed the whole log (thousands of
 * lines by the time the bench measures) took a share of the two cores the czar, tmux and the panes need.
 */
class EventLog {
  private readonly reader: IncrementalLineReader;
  private readonly seen: FleetEvent[] = [];

  constructor(file: string) {
    this.reader = new IncrementalLineReader(file, undefined, undefined, 'blocking');
  }

  async events(): Promise<readonly FleetEvent[]> {
    await this.reader.read((line) => this.seen.push(JSON.parse(line) as FleetEvent));
    return this.seen;
  }
}

async function messageDeliveredAfter(log: EventLog, worker: string, start: number): Promise<boolean> {
  return (await log.events()).some(
    (event) => event.kind === 'message_delivered' && event.worker === worker && Date.parse(event.at) >= start,
  );
}

async function bonusDeliveredAfter(log: EventLog, worker: string, start: number): Promise<FleetEvent | undefined> {
  return (await log.events()).find(
    (event) =>
      event.kind === 'task_delivered' &&
      event.worker === worker &&
      Date.parse(event.at) >= start &&
      String(event.data?.taskId ?? '').startsWith('b'),
  );
}

function commitsSeen(fleet: Fleet, workers: readonly string[], ahead: number): true | undefined {
  const status = readStatus(fleet);
  return workers.every(
    (name) => (status?.workers.find((worker) => worker.name === name)?.git.commitsAhead ?? 0) >= ahead,
  )
    ? true
    : undefined;
}

/** Done -> bonus task submitted for each worker in turn; `meanwhile` runs just before each done report. */
async function doneToBonus(
  fleet: Fleet,
  log: EventLog,
  workers: readonly string[],
  meanwhile: (i: number) => void,
): Promise<number[]> {
  const delays: number[] = [];
  for (const [i, worker] of workers.entries()) {
    meanwhile(i);
    const start = Date.now();
    await report(fleet, worker, 'done', `finished ${worker}`);
    const delivered = await until(() => bonusDeliveredAfter(log, worker, start), 60_000, `bonus for ${worker}`);
    delays.push(Date.parse(delivered.at) - start);
  }
  return delays;
}

/**
 * 50 workers all editing one file: done -> bonus task submitted while other workers keep committing to that file (each
 * commit asks for 49 merges), against the same fleet's done -> bonus before anyone edited it. Conflict prediction runs
 * beside the passes, so no bonus waits for git.
 */
export async function benchOneFile(print: (line: string) => void): Promise<void> {
  const names = Array.from({ length: WORKERS }, (_, i) => `w${i + 1}`);
  const fleet = await launchFleet(
    'o50',
    WORKERS,
    'idle_after: 1h, stuck_after: 2h, escalate_after: 1h',
    'Wait here.\n@sim quiet\n',
    Array.from({ length: 2 * SAMPLES }, () => 'Bonus.\n@sim quiet\n'),
  );
  const log = new EventLog(path.join(fleet.stateDir, 'events.jsonl'));
  try {
    await settled(fleet, WORKERS);
    // The baseline: workers with a commit of their own file each, nobody on a shared one.
    const alone = names.slice(0, SAMPLES);
    for (const name of alone) commitIn(fleet, name, `${name}.txt`, `${name} alone\n`);
    await until(() => commitsSeen(fleet, alone, 1), 60_000, 'the baseline commits');
    const baseline = await doneToBonus(fleet, log, alone, () => undefined);

    // Every worker writes its own line into shared.txt.
    const started = performance.now();
    for (const name of names) commitIn(fleet, name, 'shared.txt', `line of ${name}\n`);
    const committed = performance.now() - started;
    const measured = names.slice(SAMPLES, 2 * SAMPLES);
    await until(() => commitsSeen(fleet, measured, 1), 60_000, 'the shared-file commits');
    const alerted = (all: boolean): true | undefined => {
      const workers = readStatus(fleet)?.workers ?? [];
      const conflicts = (name: string): number =>
        workers.find((worker) => worker.name === name)?.alerts.filter((alert) => alert.kind === 'conflict').length ?? 0;
      return (all ? names.every((name) => conflicts(name) === WORKERS - 1) : names.some((name) => conflicts(name) > 0))
        ? true
        : undefined;
    };
    await until(() => alerted(false), 300_000, 'the first conflict alert');
    const firstShown = performance.now() - started - committed;
    await until(() => alerted(true), 600_000, 'every conflict alert');
    const allShown = performance.now() - started - committed;
    // Each worker is told once, in one message; the measure starts once those are delivered.
    const since = Date.now();
    await until(
      async () => {
        for (const name of names) if (!(await messageDeliveredAfter(log, name, since - allShown))) return undefined;
        return true;
      },
      120_000,
      'the conflict messages delivered',
    );
    // Others keep committing to the file while each done report is handled.
    const movers = names.slice(2 * SAMPLES);
    const shared = await doneToBonus(fleet, log, measured, (i) =>
      commitIn(fleet, movers[i % movers.length] ?? 'w50', 'shared.txt', `line ${i} of another\n`),
    );
    const p95 = percentile(shared, 95);
    const baseP95 = percentile(baseline, 95);
    print(`supervise: ${WORKERS} simulated workers all editing one file`);
    // Each sample, in the order taken, so a slow one stands out from a slower run.
    print(`done -> bonus samples, one file: ${shared.join(', ')} ms; no shared file: ${baseline.join(', ')} ms`);
    print(row('50 commits -> first conflict alert', ms(firstShown), '-', true));
    print(row('50 commits -> all 1225 pairs alerted', ms(allShown), '-', true));
    print(row('done -> bonus, one file, p50', ms(percentile(shared, 50)), '-', true));
    print(row('done -> bonus, one file, p95', ms(p95), '< 200 ms', p95 < 200));
    print(row('done -> bonus, no shared file (baseline) p95', ms(baseP95), 'n/a', true));
    print(row('ratio one file p95 / baseline p95', `${(p95 / baseP95).toFixed(2)}x`, '-', true));
  } finally {
    fleet.stop();
  }
}
