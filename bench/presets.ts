import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, watch, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { presetFor } from '../src/agents/index.js';
import type { Dialog } from '../src/agents/preset.js';
import { readyStep } from '../src/delivery/delivery-steps.js';
import { cleanUpOutsideTests } from '../tests/helpers/cleanup.js';
import { hermeticGitEnv } from '../tests/helpers/git-repo.js';
import { startModelEndpoint } from '../tests/helpers/model-endpoint.js';
import {
  REAL_AGENT_BUILDERS,
  realAgentsMissing,
  type RealAgent,
  type RealAgentCommand,
} from '../tests/helpers/real-agents.js';
import { CZAR, benchRepo, killServer, median, ms, row } from './harness.js';

const RUNS = 3;
const NOTE = 'bench-report';
/** The agent reports done from its own shell, as a worker finishing does: the report's way to status.json is timed. */
const TASK = `Say hello.\nRUN: czar report --state done --note ${NOTE}\nSAY: Hello.`;
/** A turn of Kilo's took minutes under load. */
const REPORT_LIMIT_MS = 300_000;

/**
 * The CLI on its own in a tmux pane, as a person starts it: from the start to its input box, its first-run dialogs
 * answered the moment they show.
 */
async function ownStart(agent: RealAgent, command: RealAgentCommand, run: number): Promise<number> {
  const { root, repo, cleanup } = benchRepo('preset', homedir());
  const socket = `benchp${process.pid}${agent}${run}`;
  const preset = presetFor(agent);
  const env = { ...hermeticGitEnv(command.home), ...command.env };
  const args = command.args.length > 0 ? command.args : preset.defaults.args;
  try {
    const start = performance.now();
    execFileSync('tmux', [
      '-L',
      socket,
      'new-session',
      '-d',
      '-x',
      '200',
      '-y',
      '50',
      '-c',
      repo,
      ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
      command.command,
      ...args,
    ]);
    const answeredAt = new Map<string, number>();
    const answered: Dialog[] = [];
    // As long as czar waits for it: Kilo took over a minute on a loaded machine.
    while (performance.now() - start < preset.readyTimeoutMs) {
      const screen = execFileSync('tmux', ['-L', socket, 'capture-pane', '-p', '-J'], { encoding: 'utf8' });
      const step = readyStep(preset, screen, true, answered);
      if (step.kind === 'ready') return performance.now() - start;
      // A dialog is answered the moment it shows, as a person who knows the screen would, and again a second later
      // if the keys came before the program read input.
      if (step.kind === 'dialog' && performance.now() - (answeredAt.get(step.dialog.id) ?? -Infinity) > 1_000) {
        answeredAt.set(step.dialog.id, performance.now());
        answered.push(step.dialog);
        execFileSync('tmux', ['-L', socket, 'send-keys', ...step.dialog.keys]);
      }
      await sleep(25);
    }
    throw new Error(`bench: ${agent} showed no input box within ${preset.readyTimeoutMs} ms in ${root}`);
  } finally {
    killServer(socket);
    cleanup();
  }
}

/**
 * Resolves with the wall-clock time of the file event for the first status.json write that shows the worker's note
 * (watched, as the dashboard does); rejects after `limitMs`.
 */
function statusShowsNote(stateDir: string, limitMs: number): Promise<number> {
  const file = path.join(stateDir, 'status.json');
  return new Promise((resolve, reject) => {
    const done = (settle: () => void): void => {
      clearTimeout(timer);
      watcher.close();
      settle();
    };
    const check = (at: number): void => {
      const text = (() => {
        try {
          return readFileSync(file, 'utf8');
        } catch {
          return '';
        }
      })();
      if (text.includes(JSON.stringify(NOTE))) done(() => resolve(at));
    };
    const watcher = watch(stateDir, (_event, name) => {
      if (name === 'status.json') check(Date.now());
    });
    const timer = setTimeout(
      () => done(() => reject(new Error(`bench: no done report within ${limitMs} ms`))),
      limitMs,
    );
    check(Date.now());
  });
}

/**
 * The same CLI as a czar worker: from its session's start to its task submitted, dialogs answered on purpose; then
 * from the done report it makes in its own shell (the report's own time) to status.json showing it.
 */
async function czarStart(
  agent: RealAgent,
  command: RealAgentCommand,
  run: number,
): Promise<{ submitted: number; report: number }> {
  const { root, cleanup } = benchRepo('preset', homedir());
  const project = `benchp${process.pid}${agent}${run}`;
  writeFileSync(
    path.join(root, 'czar.yaml'),
    stringify({
      project,
      repo: 'repo',
      agent,
      agents: {
        [agent]: {
          command: command.command,
          ...(command.args.length === 0 ? {} : { args: command.args }),
          env: { ...hermeticGitEnv(command.home), ...command.env },
        },
      },
      workers: [{ name: 'w1', task: TASK }],
    }),
  );
  try {
    // Not a sync call: the scripted endpoint runs in this process, and Auggie asks its backend for its models and
    // settings before it draws its input box.
    await promisify(execFile)(process.execPath, [CZAR, 'up', '--detach'], { cwd: root });
    const shown = statusShowsNote(path.join(root, '.czar'), REPORT_LIMIT_MS);
    const events = readFileSync(path.join(root, '.czar', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; at: string });
    const at = (kind: string): number => Date.parse(events.find((event) => event.kind === kind)?.at ?? '');
    const took = at('task_delivered') - at('session_started');
    if (Number.isNaN(took)) throw new Error(`bench: ${agent} was not started and given its task in ${root}`);
    const shownAt = await shown;
    const report = JSON.parse(readFileSync(path.join(root, '.czar', 'reports', 'w1.json'), 'utf8')) as { at: string };
    return { submitted: took, report: shownAt - Date.parse(report.at) };
  } finally {
    killServer(`czar-${project}`);
    cleanup();
  }
}

/**
 * `npm run bench -- presets`, per preset: a real CLI (from CZAR_REAL_AGENTS_DIR) from its pane's start to its task
 * submitted under czar, against the CLI's own start to its first input screen, measured in the same run; and from
 * the done report the agent makes in its own shell to status.json showing it.
 */
export async function benchPresets(print: (line: string) => void, only: readonly string[] = []): Promise<void> {
  const endpoint = await startModelEndpoint();
  try {
    print(`launch per preset: one real CLI on the scripted endpoint, median of ${RUNS} runs each`);
    const agents = (Object.keys(REAL_AGENT_BUILDERS) as RealAgent[]).filter(
      (agent) => only.length === 0 || only.includes(agent),
    );
    for (const agent of agents) {
      if (realAgentsMissing(agent) !== '') {
        print(`     ${agent}: skipped${realAgentsMissing(agent)}`);
        continue;
      }
      const own: number[] = [];
      const czar: number[] = [];
      const reports: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        // A HOME of its own for each start: a killed Gemini CLI leaves its projects.json lock behind, and the next
        // start in that HOME waits about 14 s for it to go stale.
        own.push(await ownStart(agent, await REAL_AGENT_BUILDERS[agent](endpoint), run));
        const measured = await czarStart(agent, await REAL_AGENT_BUILDERS[agent](endpoint), run);
        czar.push(measured.submitted);
        reports.push(measured.report);
      }
      const ratio = median(czar) / median(own);
      print(row(`${agent}: its own start to input (baseline)`, ms(median(own)), 'n/a', true));
      print(row(`${agent}: czar, start to task submitted`, `${ms(median(czar))} ${ratio.toFixed(2)}x`, 'n/a', true));
      print(row(`${agent}: its done report -> status.json`, ms(median(reports)), 'n/a', true));
    }
  } finally {
    await cleanUpOutsideTests();
  }
  print('');
}
