import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { claudeProjectDir } from '../src/agents/transcripts.js';
import { FleetDiskStore } from '../src/cli/dashboard-wiring.js';
import { loadConfig } from '../src/config/load.js';
import { writeReport } from '../src/adapters/report-files.js';
import { statePaths } from '../src/domain/model/paths.js';
import { openFleet } from '../src/fleet/handle.js';
import { CZAR, SIM, benchRepo, killServer, ms, percentile, row } from './harness.js';
import { cpuSeconds, until } from './supervise.js';
import { execFileSync } from 'node:child_process';

const WORKERS = 20;
// As the supervise bench does: the first seconds after a launch still carry its after-effects (first git and
// record scans, the agents' own start-up output), so the czar is measured from a settled fleet, for a minute.
const WARM_UP_SECONDS = 15;
const CPU_SECONDS = 60;
const SAMPLES = 20;

interface CostFleet {
  readonly root: string;
  readonly stateDir: string;
  readonly claudeDir: string;
  stop(): void;
}

/**
 * 20 quiet simulated workers. With `tracking`, each writes a Claude-shaped transcript the czar follows; without,
 * the agent is declared a plain program (no records), so the czar's usage source has nothing to do: the baseline.
 */
function launch(name: string, tracking: boolean): CostFleet {
  const { root, cleanup } = benchRepo(name);
  const claudeDir = path.join(root, 'claude');
  const project = `bc${name}${process.pid}`;
  const agent = tracking
    ? `sim: { args: [${JSON.stringify(SIM)}, --no-report], env: { CLAUDE_CONFIG_DIR: ${JSON.stringify(claudeDir)} } }`
    : `quiet: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(SIM)}, --no-report], preset: shell }`;
  const task = tracking ? 'Wait here.\n@sim usage 1000 10\n@sim quiet\n' : 'Wait here.\n';
  const workers = Array.from(
    { length: WORKERS },
    (_, i) => `  - name: w${i + 1}\n    task: ${JSON.stringify(task)}\n`,
  ).join('');
  writeFileSync(
    path.join(root, 'czar.yaml'),
    `project: ${project}\nrepo: repo\nagent: ${tracking ? 'sim' : 'quiet'}\npolicy: { launch_concurrency: 10, max_active: ${WORKERS}, idle_after: 1h, stuck_after: 2h }\nagents:\n  ${agent}\nworkers:\n${workers}`,
  );
  execFileSync(process.execPath, [CZAR, 'up', '--detach'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  return {
    root,
    stateDir: path.join(root, '.czar'),
    claudeDir,
    stop: () => {
      killServer(`czar-${project}`);
      cleanup();
    },
  };
}

function status(
  fleet: CostFleet,
): { workers: { name: string; state: string; usage?: { tokens: number } }[] } | undefined {
  try {
    return JSON.parse(readFileSync(path.join(fleet.stateDir, 'status.json'), 'utf8')) as {
      workers: { name: string; state: string; usage?: { tokens: number } }[];
    };
  } catch {
    return undefined;
  }
}

async function czarCpu(
  fleet: CostFleet,
  ready: (s: NonNullable<ReturnType<typeof status>>) => boolean,
): Promise<{ pid: number; share: number }> {
  await until(
    () => {
      const s = status(fleet);
      return s !== undefined && ready(s) ? true : undefined;
    },
    120_000,
    'the fleet to settle',
  );
  const pid = (JSON.parse(readFileSync(path.join(fleet.stateDir, 'supervisor.pid'), 'utf8')) as { pid: number }).pid;
  await sleep(WARM_UP_SECONDS * 1000);
  const start = cpuSeconds(pid);
  const wall = performance.now();
  await sleep(CPU_SECONDS * 1000);
  return { pid, share: (cpuSeconds(pid) - start) / ((performance.now() - wall) / 1000) };
}

/** Time from an event on disk until the dashboard's store (the same one `czar dashboard` renders) shows it. */
async function dashboardLatency(
  fleet: CostFleet,
  act: (i: number) => {
    worker: string;
    shown: (w: { usage?: { tokens: number }; note?: string }) => boolean;
    write: () => void;
  },
): Promise<number[]> {
  const config = await loadConfig(path.join(fleet.root, 'czar.yaml'));
  const store = await FleetDiskStore.open(openFleet(config));
  const latencies: number[] = [];
  try {
    for (let i = 0; i < SAMPLES; i++) {
      const step = act(i);
      const seen = new Promise<number>((resolve) => {
        const check = (): void => {
          const worker = store.getSnapshot().status.workers.find((entry) => entry.name === step.worker);
          if (worker !== undefined && step.shown(worker)) {
            unsubscribe();
            resolve(performance.now());
          }
        };
        const unsubscribe = store.subscribe(check);
      });
      const start = performance.now();
      step.write();
      latencies.push((await seen) - start);
      await sleep(100 + Math.random() * 400);
    }
  } finally {
    await store.close();
  }
  return latencies;
}

export async function benchCost(print: (line: string) => void): Promise<void> {
  const off = launch('off', false);
  let baselineCpu: number;
  let reportLatencies: number[];
  try {
    baselineCpu = (await czarCpu(off, (s) => s.workers.every((w) => w.state !== 'starting'))).share;
    let seq = 100;
    reportLatencies = await dashboardLatency(off, (i) => {
      const worker = `w${(i % WORKERS) + 1}`;
      const note = `bench-${i}`;
      return {
        worker,
        shown: (w) => w.note === note,
        write: () =>
          void writeReport(statePaths(off.stateDir), {
            worker,
            state: 'working',
            note,
            at: new Date().toISOString(),
            source: 'bench',
            seq: (seq += 1),
          }),
      };
    });
  } finally {
    off.stop();
  }

  const on = launch('on', true);
  try {
    const { pid, share } = await czarCpu(on, (s) => s.workers.every((w) => w.usage?.tokens === 1010));
    const tokens = new Map<string, number>();
    const usageLatencies = await dashboardLatency(on, (i) => {
      const worker = `w${(i % WORKERS) + 1}`;
      const worktree = path.join(on.root, `repo-workers`, worker);
      const dir = claudeProjectDir(on.claudeDir, worktree);
      const file = path.join(dir, readdirSync(dir).find((name) => name.endsWith('.jsonl')) ?? 'missing.jsonl');
      const expected = (tokens.get(worker) ?? 1010) + 1500;
      tokens.set(worker, expected);
      const line = JSON.stringify({
        type: 'assistant',
        requestId: `req_bench_${i}`,
        timestamp: new Date().toISOString(),
        message: {
          id: `msg_bench_${i}`,
          model: 'claude-sonnet-4-5',
          usage: { input_tokens: 1000, output_tokens: 500, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        },
      });
      return { worker, shown: (w) => w.usage?.tokens === expected, write: () => appendFileSync(file, `${line}\n`) };
    });
    const p95 = percentile(usageLatencies, 95);
    const reportP95 = percentile(reportLatencies, 95);
    print(`cost: ${WORKERS} quiet simulated workers (czar pid ${pid})`);
    print(row('czar CPU, cost tracking on', `${(share * 100).toFixed(2)} %`, '< 1 % of a core', share < 0.01));
    print(row('czar CPU, same fleet without records (baseline)', `${(baselineCpu * 100).toFixed(2)} %`, '-', true));
    print(row('ratio CPU on / baseline', `${(share / Math.max(baselineCpu, 1e-6)).toFixed(2)}x`, '-', true));
    print(row('transcript line -> dashboard cost p50', ms(percentile(usageLatencies, 50)), '-', true));
    print(row('transcript line -> dashboard cost p95', ms(p95), '< 200 ms', p95 < 200));
    print(
      row(
        'report -> dashboard p50 / p95 (baseline)',
        `${ms(percentile(reportLatencies, 50))} / ${ms(reportP95)}`,
        '-',
        true,
      ),
    );
    print(row('ratio transcript p95 / report p95', `${(p95 / Math.max(reportP95, 1e-6)).toFixed(2)}x`, '-', true));
  } finally {
    on.stop();
  }
}
