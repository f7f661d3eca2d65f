import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CZAR, ROOT, benchRepo, killServer, median, ms, percentile, row } from './harness.js';
import { benchIntegration } from './scale-integration.js';
import { cpuSeconds, czarPid, peakRssMb, readStatus, reportLatency, until, type Fleet } from './supervise.js';

const STAND_IN = path.join(ROOT, 'bench', 'quiet-worker.sh');
const QUIET_WINDOW_MS = 60_000;
const STATUS_RUNS = 5;
/** The one-minute load per core under which a launch starts, waited for at most CALM_WAIT_MS. */
const CALM_LOAD = 1;
const CALM_WAIT_MS = 90_000;
/** Reports timed apart before the latency samples, while the czar's code is still cold. */
const COLD_REPORTS = 20;

interface Figures {
  readonly workers: number;
  readonly launchMs: number;
  /** The same launch's bare work alone (`baseline-bare-launch.sh`), in the same run. */
  readonly bareLaunchMs: number;
  readonly cpuPercent: number;
  readonly rssMb: number;
  readonly statusMs: number;
  readonly reportP95: number;
}

/** `count` quiet stand-in workers (a shell that drew one line and waits), launched with `czar up --detach`. */
function quietFleet(count: number): { fleet: Fleet; launchMs: number } {
  const { root, cleanup } = benchRepo(`s${count}`);
  const project = `bsc${count}p${process.pid}`;
  const workers = Array.from({ length: count }, (_, i) => `  - name: w${i + 1}\n    task: Wait here.\n`).join('');
  writeFileSync(
    path.join(root, 'czar.yaml'),
    `project: ${project}\nrepo: repo\nagent: quiet\nagents:\n  quiet: { command: ${JSON.stringify(STAND_IN)}, preset: shell }\npolicy: { launch_concurrency: 20, max_active: ${count}, idle_after: 1h, stuck_after: 2h, escalate_after: 2h }\nworkers:\n${workers}`,
  );
  const stop = (): void => {
    killServer(`czar-${project}`);
    cleanup();
  };
  const start = performance.now();
  try {
    execFileSync(process.execPath, [CZAR, 'up', '--detach'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    stop();
    throw new Error(`bench: czar up for ${count} workers failed: ${String((error as { stderr?: string }).stderr)}`);
  }
  return { fleet: { root, project, stateDir: path.join(root, '.czar'), stop }, launchMs: performance.now() - start };
}

/**
 * The floor under a launch of `count` on this machine: its worktrees and sessions made from bash as fast as git and
 * tmux allow, with nothing pasted or checked. A launch's cost here is mostly process starts, whose price differs from
 * machine to machine by more than czar's share of it.
 */
function bareLaunch(count: number): number {
  const { root, repo, cleanup } = benchRepo(`bare${count}`);
  const socket = `bsb${count}p${process.pid}`;
  const script = path.join(ROOT, 'bench', 'baseline-bare-launch.sh');
  const args = [repo, path.join(root, 'worktrees'), socket, String(count), path.join(root, 'logs'), STAND_IN];
  try {
    const start = performance.now();
    execFileSync(script, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return performance.now() - start;
  } finally {
    killServer(socket);
    cleanup();
  }
}

/** An agent's start-up waits grow with the load average, which the launch before has raised: it may fall first. */
async function calm(): Promise<void> {
  const deadline = Date.now() + CALM_WAIT_MS;
  while ((loadavg()[0] ?? 0) / availableParallelism() >= CALM_LOAD && Date.now() < deadline) await sleep(1_000);
}

/** `czar status --json` from the fleet's folder, as a person or a script runs it; median wall time. */
function statusTime(fleet: Fleet): number {
  const times: number[] = [];
  for (let i = 0; i < STATUS_RUNS; i++) {
    const start = performance.now();
    execFileSync(process.execPath, [CZAR, 'status', '--json'], { cwd: fleet.root, stdio: 'ignore' });
    times.push(performance.now() - start);
  }
  return median(times);
}

async function measure(count: number, print: (line: string) => void): Promise<Figures> {
  const bareLaunchMs = bareLaunch(count);
  await calm();
  const { fleet, launchMs } = quietFleet(count);
  try {
    await until(
      () => (readStatus(fleet)?.workers.every((worker) => worker.state !== 'starting') === true ? true : undefined),
      600_000,
      `${count} workers past starting`,
    );
    const pid = czarPid(fleet);
    // The czar started seconds ago: its first reports run cold code. They are timed and printed apart, and the p95 is
    // taken over the next 40, as a fleet that runs for hours sees it.
    const cold = await reportLatency(fleet, count, COLD_REPORTS);
    const latencies = await reportLatency(fleet, count, 40, 'steady');
    const statusMs = statusTime(fleet);
    // Settle after the reports, then count the czar's own CPU over a quiet window.
    await sleep(5_000);
    const cpuStart = cpuSeconds(pid);
    const wallStart = performance.now();
    await sleep(QUIET_WINDOW_MS);
    const cpuPercent = ((cpuSeconds(pid) - cpuStart) / ((performance.now() - wallStart) / 1000)) * 100;
    const figures = {
      workers: count,
      launchMs,
      bareLaunchMs,
      cpuPercent,
      rssMb: peakRssMb(pid),
      statusMs,
      reportP95: percentile(latencies, 95),
    };
    print(
      `scale: ${count} quiet workers: launch ${ms(launchMs)} (the bare work alone ${ms(bareLaunchMs)}: ${(launchMs / bareLaunchMs).toFixed(2)}x), CPU ${cpuPercent.toFixed(2)} %, peak RSS ${figures.rssMb.toFixed(0)} MB, status --json ${ms(statusMs)}, report p95 ${ms(figures.reportP95)} (the first ${COLD_REPORTS} after the czar's start: p95 ${ms(percentile(cold, 95))})`,
    );
    return figures;
  } finally {
    fleet.stop();
  }
}

/** The issue's targets at 200 and 500 workers, each checked at the size it names. */
function targets(all: readonly Figures[], print: (line: string) => void): void {
  for (const figures of all) {
    const n = figures.workers;
    if (n === 200) {
      print(
        row(
          'launch 200 quiet workers',
          `${ms(figures.launchMs)} (bare work alone ${ms(figures.bareLaunchMs)})`,
          '< 20 s',
          figures.launchMs < 20_000,
        ),
      );
      print(row('czar status --json, 200 workers', ms(figures.statusMs), '< 500 ms', figures.statusMs < 500));
      print(row('peak RSS, 200 workers', `${figures.rssMb.toFixed(0)} MB`, '< 150 MB', figures.rssMb < 150));
    }
    if (n === 200 || n === 500)
      print(row(`czar CPU, ${n} quiet workers`, `${figures.cpuPercent.toFixed(2)} %`, '< 1 %', figures.cpuPercent < 1));
    if (n === 500) {
      print(row('czar status --json, 500 workers', ms(figures.statusMs), '< 100 ms', figures.statusMs < 100));
      print(row('peak RSS, 500 workers', `${figures.rssMb.toFixed(0)} MB`, '< 200 MB', figures.rssMb < 200));
      print(row('report -> status.json p95, 500', ms(figures.reportP95), '< 25 ms', figures.reportP95 < 25));
    }
  }
}

/**
 * `npm run bench -- scale [sizes] [merges]`: quiet fleets of each size (default 20,100,200; 500 when asked), and
 * `merges` done branches integrated (default 60; 0 skips it). Prints how each cost grows with the fleet, with the
 * smallest fleet as the same-run baseline.
 */
export async function benchScale(args: readonly string[], print: (line: string) => void): Promise<void> {
  const sizes = (args[0] ?? '20,100,200')
    .split(',')
    .map(Number)
    .filter((size) => size > 0);
  const merges = Number(args[1] ?? 60);
  if (merges > 0) benchIntegration(merges, print);
  const all: Figures[] = [];
  for (const size of sizes) all.push(await measure(size, print));
  const base = all[0];
  if (base === undefined) return;
  print(`scale: how each cost grows (ratio to ${base.workers} workers in brackets)`);
  print(
    '  workers   launch            bare work alone   CPU %             peak RSS          status --json     report p95',
  );
  const cell = (value: string, ratio: number): string => `${value} (${ratio.toFixed(1)}x)`.padEnd(18);
  for (const figures of all)
    print(
      `  ${String(figures.workers).padEnd(9)} ${cell(ms(figures.launchMs), figures.launchMs / base.launchMs)}${cell(ms(figures.bareLaunchMs), figures.bareLaunchMs / base.bareLaunchMs)}${cell(`${figures.cpuPercent.toFixed(2)} %`, figures.cpuPercent / base.cpuPercent)}${cell(`${figures.rssMb.toFixed(0)} MB`, figures.rssMb / base.rssMb)}${cell(ms(figures.statusMs), figures.statusMs / base.statusMs)}${cell(ms(figures.reportP95), figures.reportP95 / base.reportP95)}`,
    );
  targets(all, print);
}
