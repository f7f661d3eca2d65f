import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fleetAgentFiles } from '../src/adapters/private-files.js';
import { CZAR, ROOT, SIM, benchRepo, killServer, median, ms, row } from './harness.js';

const WORKERS = 20;
const RUNS = 3;
const TASK = 'Add the feature described here.\n@sim work 2\n@sim quiet\n';

/**
 * `czar up --detach` for 20 simulated workers: from the command to every task submitted (the last `task_delivered`
 * event), and to the command's return, which also waits for the czar it starts to answer. `fleetLines`: czar.yaml
 * lines for the whole fleet (its `sandbox:`).
 */
export function czarLaunch(run: number, fleetLines = ''): { submitted: number; returned: number } {
  const { root, cleanup } = benchRepo(`czar${run}`);
  const project = `benchl${process.pid}${run}`;
  const workers = Array.from(
    { length: WORKERS },
    (_, i) => `  - name: w${i + 1}\n    task: ${JSON.stringify(TASK)}\n`,
  ).join('');
  writeFileSync(
    path.join(root, 'czar.yaml'),
    `project: ${project}\nrepo: repo\nagent: sim\n${fleetLines}policy: { launch_concurrency: ${WORKERS}, max_active: ${WORKERS} }\nworkers:\n${workers}`,
  );
  try {
    const start = Date.now();
    execFileSync(process.execPath, [CZAR, 'up', '--detach'], { cwd: root, stdio: 'ignore' });
    const returned = Date.now() - start;
    const delivered = readFileSync(path.join(root, '.czar', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; at: string })
      .filter((event) => event.kind === 'task_delivered')
      .map((event) => Date.parse(event.at));
    if (delivered.length !== WORKERS) throw new Error(`bench: ${delivered.length} of ${WORKERS} tasks were delivered`);
    return { submitted: Math.max(...delivered) - start, returned };
  } finally {
    killServer(`czar-${project}`);
    // The workers' agent files, which czar keeps in the person's cache (`czar down --purge` would remove them).
    rmSync(fleetAgentFiles(project, path.join(root, '.czar')), { recursive: true, force: true });
    cleanup();
  }
}

/**
 * The same git and tmux calls from a plain shell script: `baseline-launch.sh` one worker after another, or
 * `baseline-parallel-launch.sh` every worker at once.
 */
function scriptLaunch(run: number, script = 'baseline-launch.sh'): number {
  const { root, repo, cleanup } = benchRepo(`script${run}`);
  const socket = `benchs${process.pid}${run}`;
  const taskFile = path.join(root, 'task.md');
  writeFileSync(taskFile, TASK);
  try {
    const start = performance.now();
    execFileSync(
      'bash',
      [
        path.join(ROOT, 'bench', script),
        repo,
        path.join(root, 'workers'),
        socket,
        String(WORKERS),
        taskFile,
        process.execPath,
        SIM,
      ],
      { stdio: 'ignore' },
    );
    return performance.now() - start;
  } finally {
    killServer(socket);
    cleanup();
  }
}

/** The agents' own start-up: all of them started at once in sessions of their own, until the slowest is ready. */
function agentsStartup(run: number): number {
  const { root, cleanup } = benchRepo(`startup${run}`);
  const socket = `benchu${process.pid}${run}`;
  try {
    const start = performance.now();
    const script = path.join(ROOT, 'bench', 'baseline-startup.sh');
    execFileSync('bash', [script, root, socket, String(WORKERS), process.execPath, SIM], { stdio: 'ignore' });
    return performance.now() - start;
  } finally {
    killServer(socket);
    cleanup();
  }
}

export function benchLaunch(): string[] {
  const czar: number[] = [];
  const returned: number[] = [];
  const script: number[] = [];
  const parallel: number[] = [];
  const startup: number[] = [];
  // Alternate them so that machine noise hits each alike.
  for (let run = 0; run < RUNS; run++) {
    script.push(scriptLaunch(run));
    parallel.push(scriptLaunch(run, 'baseline-parallel-launch.sh'));
    startup.push(agentsStartup(run));
    const launch = czarLaunch(run);
    czar.push(launch.submitted);
    returned.push(launch.returned);
  }
  const czarMs = median(czar);
  const scriptMs = median(script);
  const parallelMs = median(parallel);
  const startupMs = median(startup);
  const ratio = czarMs / scriptMs;
  return [
    `launch: ${WORKERS} simulated workers (launch_concurrency ${WORKERS}), median of ${RUNS} runs each (czar: ${czar.map(ms).join(', ')}; script: ${script.map(ms).join(', ')}; parallel script: ${parallel.map(ms).join(', ')}; agents alone: ${startup.map(ms).join(', ')})`,
    row('plain script, sequential (baseline)', ms(scriptMs), 'n/a', true),
    row(
      'the same work from bash, every worker at once (baseline)',
      `${ms(parallelMs)} ${(parallelMs / scriptMs).toFixed(2)}x`,
      'n/a',
      true,
    ),
    row(`${WORKERS} agents started at once, slowest ready (baseline)`, ms(startupMs), 'n/a', true),
    row('czar up --detach, all tasks submitted', ms(czarMs), '< 4000 ms', czarMs < 4000),
    row('ratio czar / script', `${ratio.toFixed(2)}x`, '<= 0.25x', ratio <= 0.25),
    row('czar minus the agents alone', ms(czarMs - startupMs), '<= 1000 ms', czarMs - startupMs <= 1000),
    row('czar minus the same work from bash at once', ms(czarMs - parallelMs), 'n/a', true),
    row('czar up --detach returns, the czar answering', ms(median(returned)), 'n/a', true),
  ];
}
