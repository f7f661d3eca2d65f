import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CZAR, ROOT, benchRepo, killServer, median, ms, percentile, row } from './harness.js';

const WORKERS = 20;
const CONCURRENCY = 8;
const TUI = path.join(ROOT, 'bench', 'stand-in-tui.js');

interface TuiLaunch {
  /** From `czar up` to the last task submitted. */
  readonly total: number;
  /** Each worker's wait from its session's start to its task's paste. */
  readonly sessionToPaste: readonly number[];
}

/**
 * `czar up --detach` for 20 workers of a stand-in TUI czar has no preset for (ready 0.2 s after it starts, bracketed
 * paste on, a prompt drawn), as an `agents:` entry with `preset` as given: none (a custom agent, whose readiness
 * follows its screen) or `shell` (the rule every unknown program had before: a screen still for 0.5 s).
 */
function tuiLaunch(run: number, preset: 'custom' | 'shell'): TuiLaunch {
  const { root, cleanup } = benchRepo(`tui${preset}${run}`);
  const project = `bencht${process.pid}${preset[0]}${run}`;
  const workers = Array.from({ length: WORKERS }, (_, i) => `  - { name: w${i + 1}, task: "Add feature ${i + 1}." }\n`);
  const entry = `{ command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(TUI)}]${preset === 'shell' ? ', preset: shell' : ''} }`;
  writeFileSync(
    path.join(root, 'czar.yaml'),
    `project: ${project}\nrepo: repo\nagent: tui\nagents:\n  tui: ${entry}\npolicy: { launch_concurrency: ${CONCURRENCY}, max_active: ${WORKERS} }\nworkers:\n${workers.join('')}`,
  );
  try {
    const start = Date.now();
    execFileSync(process.execPath, [CZAR, 'up', '--detach'], { cwd: root, stdio: 'ignore' });
    const events = readFileSync(path.join(root, '.czar', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; at: string; worker?: string });
    const first = (kind: string, worker: string): number =>
      Date.parse(events.find((event) => event.kind === kind && event.worker === worker)?.at ?? 'NaN');
    const names = Array.from({ length: WORKERS }, (_, i) => `w${i + 1}`);
    const delivered = names.map((name) => first('task_delivered', name));
    if (delivered.some(Number.isNaN)) throw new Error(`bench: not every ${preset} stand-in got its task`);
    return {
      total: Math.max(...delivered) - start,
      sessionToPaste: names.map((name) => first('pasted', name) - first('session_started', name)),
    };
  } finally {
    killServer(`czar-${project}`);
    cleanup();
  }
}

/** The custom agent's launch against the shell preset's rule, the baseline, alternated in one run. */
export function benchLaunchTui(runs = 3): string[] {
  const custom: TuiLaunch[] = [];
  const shell: TuiLaunch[] = [];
  for (let run = 0; run < runs; run++) {
    shell.push(tuiLaunch(run, 'shell'));
    custom.push(tuiLaunch(run, 'custom'));
  }
  const total = (launches: readonly TuiLaunch[]) => median(launches.map((launch) => launch.total));
  const waits = (launches: readonly TuiLaunch[]) => launches.flatMap((launch) => launch.sessionToPaste);
  const ratio = total(custom) / total(shell);
  return [
    `launch of a TUI czar has no preset for: ${WORKERS} stand-ins ready 0.2 s after they start, launch_concurrency ${CONCURRENCY}, median of ${runs} runs each (custom: ${custom.map((launch) => ms(launch.total)).join(', ')}; shell rule: ${shell.map((launch) => ms(launch.total)).join(', ')})`,
    row('shell rule (still 0.5 s), all tasks submitted (baseline)', ms(total(shell)), 'n/a', true),
    row(
      '  its session start to paste, median / p95',
      `${ms(median(waits(shell)))} / ${ms(percentile(waits(shell), 95))}`,
      'n/a',
      true,
    ),
    row('custom agent, all tasks submitted', ms(total(custom)), 'n/a', true),
    row(
      '  its session start to paste, median / p95',
      `${ms(median(waits(custom)))} / ${ms(percentile(waits(custom), 95))}`,
      'n/a',
      true,
    ),
    row('ratio custom / shell rule', `${ratio.toFixed(2)}x`, '< 1x', ratio < 1),
  ];
}
