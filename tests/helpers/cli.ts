import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { onTestFinished } from 'vitest';
import { cleanEnv } from '../../src/adapters/process.js';
import { Tmux } from '../../src/adapters/tmux.js';
import { removeAgentFilesOf } from './cleanup.js';

export const CZAR_BIN = path.resolve(import.meta.dirname, '../../bin/czar');

/** Runs the built `czar` as a person would (needs `npm run build`), never through a shell. */
export async function czar(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const result = await execa(process.execPath, [CZAR_BIN, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? 1 };
}

/** A project name unique to this test, so its private tmux server (`czar-<project>`) is unique too. */
export function uniqueProject(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/**
 * Writes czar.yaml into `dir` and registers the cleanup of the fleet's private tmux server (and with it the czar
 * session and every worker) when the test ends.
 */
export async function writeFleetConfig(dir: string, project: string, body: string): Promise<string> {
  const file = path.join(dir, 'czar.yaml');
  await writeFile(file, `project: ${project}\n${body}`);
  onTestFinished(async () => {
    await new Tmux(`czar-${project}`).killServer();
    await removeAgentFilesOf(project);
  });
  return file;
}

/**
 * The environment czar gave a worker's running agent, read from the process in its pane: name, state dir and the
 * per-start proof that `czar report` checks.
 */
export async function workerEnv(project: string, stateDir: string, worker: string): Promise<Record<string, string>> {
  const shown = await execa(
    'tmux',
    ['-L', `czar-${project}`, 'display-message', '-p', '-t', `=${worker}:`, '#{pane_pid}'],
    { reject: false, env: cleanEnv(), extendEnv: false },
  );
  const environ = await readFile(`/proc/${shown.stdout.trim()}/environ`, 'utf8').catch(() => '');
  const proof =
    environ
      .split('\0')
      .find((entry) => entry.startsWith('CZAR_WORKER_PROOF='))
      ?.slice('CZAR_WORKER_PROOF='.length) ?? '';
  return { CZAR_WORKER: worker, CZAR_STATE_DIR: stateDir, CZAR_WORKER_PROOF: proof };
}

/**
 * Deletes a fleet's state dir by hand while its czar runs. The czar may write a file into it while it goes, as it
 * would under a person's rm -rf: the removal is tried again then, since the fault is the folder gone, not the race.
 */
export async function deleteStateDir(stateDir: string): Promise<void> {
  await rm(stateDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
}

/** The events a fleet's czar logged so far (`.czar/events.jsonl` under `root`), oldest first. */
export async function fleetEvents(root: string): Promise<{ kind: string; worker?: string; message: string }[]> {
  const text = await readFile(path.join(root, '.czar', 'events.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { kind: string; worker?: string; message: string });
}
