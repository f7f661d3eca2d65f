import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CZAR, benchRepo, killServer, median, ms, row } from './harness.js';

const RUNS = 3;
const TASK = 'Parent work.\n@sim work 600 long\n';
const CHILD_TASK = 'Child work.\n@sim work 600 long\n';

/** When `worker`'s task was submitted, from the fleet's event log; undefined until it is. */
function deliveredAt(root: string, worker: string): number | undefined {
  const log = path.join(root, '.czar', 'events.jsonl');
  if (!existsSync(log)) return undefined;
  const delivered = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string; at: string; worker?: string })
    .find((event) => event.kind === 'task_delivered' && event.worker === worker);
  return delivered === undefined ? undefined : Date.parse(delivered.at);
}

/** Polls the event log (a bench may poll; tests wait on events) until `worker`'s task is submitted. */
async function waitDelivered(root: string, worker: string): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const at = deliveredAt(root, worker);
    if (at !== undefined) return at;
    if (Date.now() > deadline) throw new Error(`bench: ${worker}'s task was not submitted within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The environment czar gave the worker's agent (its proof included), read from the process in its pane. */
function workerEnv(socket: string, worker: string): NodeJS.ProcessEnv {
  const pid = execFileSync('tmux', ['-L', socket, 'display-message', '-p', '-t', `=${worker}:`, '#{pane_pid}'], {
    encoding: 'utf8',
  }).trim();
  const given = Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter((entry) => entry.startsWith('CZAR_'))
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
  const { TMUX: _tmux, TMUX_PANE: _pane, ...env } = process.env;
  return { ...env, ...given };
}

/** One fleet: `czar up --detach` to the configured worker's task submitted, then `czar spawn` to the child's. */
async function oneRun(run: number): Promise<{ launch: number; spawn: number }> {
  const { root, cleanup } = benchRepo(`spawn${run}`);
  const project = `benchsp${process.pid}${run}`;
  writeFileSync(
    path.join(root, 'czar.yaml'),
    `project: ${project}\nrepo: repo\nagent: sim\nworkers:\n  - name: p\n    task: ${JSON.stringify(TASK)}\n`,
  );
  try {
    const upAt = Date.now();
    execFileSync(process.execPath, [CZAR, 'up', '--detach'], { cwd: root, stdio: 'ignore' });
    const launch = (await waitDelivered(root, 'p')) - upAt;
    const env = workerEnv(`czar-${project}`, 'p');
    const spawnAt = Date.now();
    // A worker's command counts only from its own worktree, as its agent runs it.
    execFileSync(process.execPath, [CZAR, 'spawn', 'kid', '--task', CHILD_TASK], {
      cwd: path.join(root, 'repo-workers', 'p'),
      env,
      stdio: 'ignore',
    });
    const spawn = (await waitDelivered(root, 'kid')) - spawnAt;
    return { launch, spawn };
  } finally {
    killServer(`czar-${project}`);
    cleanup();
  }
}

/** `czar spawn` to the child's task submitted, against a configured worker's launch to its task submitted. */
export async function benchSpawn(): Promise<string[]> {
  const launches: number[] = [];
  const spawns: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { launch, spawn } = await oneRun(run);
    launches.push(launch);
    spawns.push(spawn);
  }
  const launchMs = median(launches);
  const spawnMs = median(spawns);
  const ratio = spawnMs / launchMs;
  return [
    `spawn: one simulated worker and one child, median of ${RUNS} runs (launch: ${launches.map(ms).join(', ')}; spawn: ${spawns.map(ms).join(', ')})`,
    row('czar up --detach, configured task submitted', ms(launchMs), 'n/a', true),
    row("czar spawn, child's task submitted", ms(spawnMs), 'n/a', true),
    row('ratio spawn / launch', `${ratio.toFixed(2)}x`, '<= 1.20x', ratio <= 1.2),
  ];
}
