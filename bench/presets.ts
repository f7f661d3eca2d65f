import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { presetFor } from '../src/agents/index.js';
import type { Dialog } from '../src/agents/preset.js';
import { readyStep } from '../src/launch/delivery-steps.js';
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
const TASK = 'Say hello.\nSAY: Hello.';
const READY_LIMIT_MS = 60_000;

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
    while (performance.now() - start < READY_LIMIT_MS) {
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
    throw new Error(`bench: ${agent} showed no input box within ${READY_LIMIT_MS} ms in ${root}`);
  } finally {
    killServer(socket);
    cleanup();
  }
}

/** The same CLI as a czar worker: from its session's start to its task submitted, dialogs answered on purpose. */
function czarStart(agent: RealAgent, command: RealAgentCommand, run: number): number {
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
    execFileSync(process.execPath, [CZAR, 'up', '--detach'], { cwd: root, stdio: 'ignore' });
    const events = readFileSync(path.join(root, '.czar', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; at: string });
    const at = (kind: string): number => Date.parse(events.find((event) => event.kind === kind)?.at ?? '');
    const took = at('task_delivered') - at('session_started');
    if (Number.isNaN(took)) throw new Error(`bench: ${agent} was not started and given its task in ${root}`);
    return took;
  } finally {
    killServer(`czar-${project}`);
    cleanup();
  }
}

/**
 * `npm run bench -- launch`, per preset: a real CLI (from CZAR_REAL_AGENTS_DIR) from its pane's start to its task
 * submitted under czar, against the CLI's own start to its first input screen, measured in the same run.
 */
export async function benchPresets(print: (line: string) => void): Promise<void> {
  const endpoint = await startModelEndpoint();
  try {
    print(`launch per preset: one real CLI on the scripted endpoint, median of ${RUNS} runs each`);
    for (const agent of Object.keys(REAL_AGENT_BUILDERS) as RealAgent[]) {
      if (realAgentsMissing(agent) !== '') {
        print(`     ${agent}: skipped${realAgentsMissing(agent)}`);
        continue;
      }
      const own: number[] = [];
      const czar: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        // A HOME of its own for each start: a killed Gemini CLI leaves its projects.json lock behind, and the next
        // start in that HOME waits about 14 s for it to go stale.
        own.push(await ownStart(agent, await REAL_AGENT_BUILDERS[agent](endpoint), run));
        czar.push(czarStart(agent, await REAL_AGENT_BUILDERS[agent](endpoint), run));
      }
      const ratio = median(czar) / median(own);
      print(row(`${agent}: its own start to input (baseline)`, ms(median(own)), 'n/a', true));
      print(row(`${agent}: czar, start to task submitted`, `${ms(median(czar))} ${ratio.toFixed(2)}x`, 'n/a', true));
    }
  } finally {
    await cleanUpOutsideTests();
  }
  print('');
}
