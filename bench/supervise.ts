import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { writeReport } from '../src/adapters/report-files.js';
import { statePaths } from '../src/domain/model/paths.js';
import type { FleetEvent } from '../src/domain/model/words.js';
import type { FleetStatus } from '../src/domain/status/status-schema.js';
import { CZAR, SIM, benchRepo, killServer, median, ms, percentile, row } from './harness.js';

export interface Fleet {
  readonly root: string;
  readonly project: string;
  readonly stateDir: string;
  stop(): void;
}

/**
 * Launches `count` simulated workers with `czar up --detach`; the czar then runs in the fleet's tmux server.
 * `whileLaunching` gets the state dir before `up` starts, so a sampler can watch the launch itself.
 */
export async function launchFleet(
  name: string,
  count: number,
  policy: string,
  task: string,
  bonus: string[] = [],
  whileLaunching?: (stateDir: string) => void,
): Promise<Fleet> {
  // Agents that do not report (like Aider or a shell) leave the pane and git as the only signals, so nothing but
  // the bench's own reports and the czar's clock moves a worker's state.
  const sim = `agents:\n  sim: { args: [${JSON.stringify(SIM)}, --no-report] }\n`;
  const { root, cleanup } = benchRepo(name);
  const project = `bs${name}${process.pid}`;
  const workers = Array.from(
    { length: count },
    (_, i) => `  - name: w${i + 1}\n    task: ${JSON.stringify(task)}\n`,
  ).join('');
  const bonusYaml =
    bonus.length === 0
      ? ''
      : `bonus:\n${bonus.map((text, i) => `  - name: b${i + 1}\n    task: ${JSON.stringify(text)}\n`).join('')}`;
  writeFileSync(
    path.join(root, 'czar.yaml'),
    `project: ${project}\nrepo: repo\nagent: sim\npolicy: { launch_concurrency: 10, max_active: ${count}, ${policy} }\n${sim}workers:\n${workers}${bonusYaml}`,
  );
  whileLaunching?.(path.join(root, '.czar'));
  try {
    await promisify(execFile)(process.execPath, [CZAR, 'up', '--detach'], { cwd: root });
  } catch (error) {
    killServer(`czar-${project}`);
    cleanup();
    throw new Error(
      `bench: czar up for ${count} workers failed: ${String((error as { stderr?: string }).stderr ?? error)}`,
    );
  }
  return {
    root,
    project,
    stateDir: path.join(root, '.czar'),
    stop: () => {
      killServer(`czar-${project}`);
      cleanup();
    },
  };
}

export function readStatus(fleet: Fleet): FleetStatus | undefined {
  try {
    return JSON.parse(readFileSync(path.join(fleet.stateDir, 'status.json'), 'utf8')) as FleetStatus;
  } catch {
    return undefined;
  }
}

function events(fleet: Fleet): FleetEvent[] {
  return readFileSync(path.join(fleet.stateDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as FleetEvent);
}

export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Resolves with the time of the file event for the status.json write that first shows `note` on `worker`, watching
 * the file (as the dashboard does), not polling it. The time is taken when the event arrives: the bench's own read
 * and parse of a status of hundreds of workers (milliseconds on a slow machine) is not the czar's latency. A note is
 * unique to its sample, so finding its JSON string in the text picks the write; the parse only confirms the worker.
 */
export function statusShows(fleet: Fleet, worker: string, note: string): Promise<number> {
  const file = path.join(fleet.stateDir, 'status.json');
  const needle = JSON.stringify(note);
  return new Promise((resolve) => {
    const check = (at: number): void => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return;
      }
      if (!text.includes(needle)) return;
      const status = JSON.parse(text) as FleetStatus;
      if (status.workers.find((entry) => entry.name === worker)?.note !== note) return;
      watcher.close();
      resolve(at);
    };
    const watcher = watch(fleet.stateDir, (_event, name) => {
      if (name === 'status.json') check(performance.now());
    });
    check(performance.now());
  });
}

/** Writes a report the way `czar report` does (sequence number one past the last) and returns when it started. */
export async function report(fleet: Fleet, worker: string, state: 'working' | 'done', note: string): Promise<number> {
  const start = performance.now();
  const file = path.join(fleet.stateDir, 'reports', `${worker}.json`);
  let seq = 0;
  try {
    seq = (JSON.parse(readFileSync(file, 'utf8')) as { seq: number }).seq;
  } catch {
    seq = 0;
  }
  await writeReport(statePaths(fleet.stateDir), {
    worker,
    state,
    note,
    at: new Date().toISOString(),
    source: 'bench',
    seq: seq + 1,
  });
  return start;
}

/** Report → status.json latency over `samples` reports spread over the workers; notes named by `batch` tell batches apart. */
export async function reportLatency(
  fleet: Fleet,
  workers: number,
  samples: number,
  batch = 'bench',
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const worker = `w${(i % workers) + 1}`;
    const note = `${batch}-${i}`;
    const shown = statusShows(fleet, worker, note);
    const start = await report(fleet, worker, 'working', note);
    latencies.push((await shown) - start);
    await sleep(20);
  }
  return latencies;
}

/** The same measurement against a czar that polls report files every 5 s, as fleets run by hand did. */
async function pollingBaseline(samples: number): Promise<number[]> {
  const dir = path.join(benchRepo('poll').root, 'reports');
  mkdirSync(dir);
  let seen = '';
  const shownAt = new Map<string, number>();
  const timer = setInterval(() => {
    for (const file of readdirSync(dir)) {
      const note = (JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { note: string }).note;
      if (note !== seen) shownAt.set(note, performance.now());
      seen = note;
    }
  }, 5000);
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const note = `poll-${i}`;
    // Reports arrive at random moments relative to the polling tick.
    await sleep(Math.random() * 1000);
    const start = performance.now();
    writeFileSync(path.join(dir, 'w1.json'), JSON.stringify({ note }));
    latencies.push((await until(() => shownAt.get(note), 10_000, 'poll')) - start);
  }
  clearInterval(timer);
  return latencies;
}

/** CPU time (user + system, including reaped children) of a process, in seconds, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index] ?? 0), 0);
  return ticks / 100;
}

export function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

export function czarPid(fleet: Fleet): number {
  return (JSON.parse(readFileSync(path.join(fleet.stateDir, 'supervisor.pid'), 'utf8')) as { pid: number }).pid;
}

export async function settled(fleet: Fleet, count: number): Promise<void> {
  await until(
    () =>
      readStatus(fleet)?.workers.filter((worker) => worker.state !== 'starting').length === count ? true : undefined,
    120_000,
    'all workers past starting',
  );
}

/** Runs the supervision benchmarks, printing each figure as soon as it is measured. */
export async function benchSupervise(print: (line: string) => void): Promise<void> {
  const lines = { push: (...items: string[]) => items.forEach((item) => print(item)) };
  const quietTask = 'Wait here.\n@sim quiet\n';

  // 20 quiet workers: report latency, CPU while nothing happens, memory.
  const twenty = await launchFleet('q20', 20, 'idle_after: 1h, stuck_after: 2h', quietTask);
  try {
    await settled(twenty, 20);
    const pid = czarPid(twenty);
    const latencies = await reportLatency(twenty, 20, 60);
    const cpuStart = cpuSeconds(pid);
    const wallStart = performance.now();
    await sleep(60_000);
    const cpuShare = (cpuSeconds(pid) - cpuStart) / ((performance.now() - wallStart) / 1000);
    const baseline = await pollingBaseline(8);
    const p95 = percentile(latencies, 95);
    lines.push(`supervise: 20 simulated workers (czar pid ${pid})`);
    lines.push(row('report -> status.json p50 (20 workers)', ms(percentile(latencies, 50)), '-', true));
    lines.push(row('report -> status.json p95 (20 workers)', ms(p95), '< 100 ms', p95 < 100));
    lines.push(
      row(
        'same with 5 s polling (baseline) p50 / p95',
        `${ms(percentile(baseline, 50))} / ${ms(percentile(baseline, 95))}`,
        'n/a',
        true,
      ),
    );
    lines.push(row('ratio czar p95 / polling p95', `${(p95 / percentile(baseline, 95)).toFixed(3)}x`, '-', true));
    lines.push(
      row('czar CPU, 20 quiet workers, 60 s', `${(cpuShare * 100).toFixed(2)} %`, '< 1 % of a core', cpuShare < 0.01),
    );
    lines.push(
      row('czar peak memory (20 workers)', `${peakRssMb(pid).toFixed(0)} MB`, '< 120 MB', peakRssMb(pid) < 120),
    );
  } finally {
    twenty.stop();
  }

  // 20 workers that finish or go quiet: done -> bonus submitted, quiet -> nudge.
  // Long enough that every worker goes quiet after the czar started (up starts it after the last delivery).
  const workTask = 'Make a change.\n@sim work 12\n@sim write change.txt changed\n@sim commit change\n@sim quiet\n';
  // The sampler watches from before the launch: a worker may go quiet, and be nudged, before `up` returns.
  const sampler = new OutputSampler();
  const active = await launchFleet(
    'a20',
    20,
    'idle_after: 3s, stuck_after: 1h, escalate_after: 1h',
    workTask,
    Array.from({ length: 10 }, () => 'Bonus.\n@sim quiet\n'),
    (stateDir) => sampler.follow(path.join(stateDir, 'logs')),
  );
  try {
    await settled(active, 20);
    // Quiet -> nudge: the sim stops after its commit; the czar nudges it idle_after later. Only quiet spells that
    // began once the czar ran count: `up` starts the czar after the last delivery, so a worker that went quiet
    // during the launch waits for the czar itself, not for its reaction.
    const czarUpAt = Date.parse(
      (await until(() => events(active).find((event) => event.kind === 'czar_up'), 60_000, 'the czar')).at,
    );
    const steadyNudges = (): number[] =>
      events(active)
        .filter((event) => event.kind === 'nudge' && event.worker !== undefined)
        .map((event) => {
          const at = Date.parse(event.at);
          const quietSince = sampler.lastBefore(event.worker as string, at);
          return quietSince >= czarUpAt ? at - quietSince - 3000 : undefined;
        })
        .filter((delay): delay is number => delay !== undefined);
    const nudgeDelays = await until(() => (steadyNudges().length >= 10 ? steadyNudges() : undefined), 60_000, 'nudges');
    // Done -> bonus: report done (the branch has a commit), time until the bonus task is confirmed submitted.
    const bonusDelays: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const worker = `w${i}`;
      const start = Date.now();
      await report(active, worker, 'done', `finished ${i}`);
      const delivered = await until(
        () =>
          events(active).find(
            (event) =>
              event.kind === 'task_delivered' &&
              event.worker === worker &&
              Date.parse(event.at) >= start &&
              String(event.data?.taskId ?? '').startsWith('b'),
          ),
        20_000,
        `bonus for ${worker}`,
      );
      bonusDelays.push(Date.parse(delivered.at) - start);
    }
    const bonusP95 = percentile(bonusDelays, 95);
    const nudgeMedian = median(nudgeDelays);
    lines.push(row('done report -> bonus task submitted, p95', ms(bonusP95), '< 1000 ms', bonusP95 < 1000));
    lines.push(row('quiet -> nudge, minus idle_after, median', ms(nudgeMedian), '< 1000 ms', nudgeMedian < 1000));
  } finally {
    sampler.stop();
    active.stop();
  }

  // 100 workers: report latency at scale, memory.
  const hundred = await launchFleet('q100', 100, 'idle_after: 1h, stuck_after: 2h', quietTask);
  try {
    await settled(hundred, 100);
    const pid = czarPid(hundred);
    const latencies = await reportLatency(hundred, 100, 100);
    const p95 = percentile(latencies, 95);
    lines.push(`supervise: 100 simulated workers`);
    lines.push(row('report -> status.json p50 (100 workers)', ms(percentile(latencies, 50)), '-', true));
    lines.push(row('report -> status.json p95 (100 workers)', ms(p95), '< 100 ms', p95 < 100));
    lines.push(
      row('czar peak memory (100 workers)', `${peakRssMb(pid).toFixed(0)} MB`, '< 120 MB', peakRssMb(pid) < 120),
    );
  } finally {
    hundred.stop();
  }
}

/** Watches the pane logs from outside the czar: when each worker's output last changed, at 50 ms resolution. */
class OutputSampler {
  private readonly changes = new Map<string, number[]>();
  private readonly sizes = new Map<string, number>();
  private readonly timer = setInterval(() => this.sample(), 50);
  private logs: string | undefined;

  /** Starts following a fleet's pane logs; the folder appears once `up` has made the state dir. */
  follow(logs: string): void {
    this.logs = logs;
  }

  private sample(): void {
    if (this.logs === undefined || !existsSync(this.logs)) return;
    for (const file of readdirSync(this.logs)) {
      const info = statSync(path.join(this.logs, file));
      if (info.size !== this.sizes.get(file)) {
        // A new file's first output is dated by its mtime: it may have been written between two samples.
        const at = this.sizes.has(file) ? Date.now() : info.mtimeMs;
        this.sizes.set(file, info.size);
        const worker = file.replace(/\.log$/, '');
        this.changes.set(worker, [...(this.changes.get(worker) ?? []), at]);
      }
    }
  }

  /** The last output change of `worker` strictly before `before`. */
  lastBefore(worker: string, before: number): number {
    const earlier = (this.changes.get(worker) ?? []).filter((at) => at < before);
    if (earlier.length === 0) throw new Error(`bench: no output of ${worker} was seen before its nudge`);
    return Math.max(...earlier);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
