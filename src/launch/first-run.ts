import { cleanEnv, run } from '../adapters/process.js';
import { AGENT_FIRST_RUN } from '../domain/model/box-home.js';

/** One first run per agent command and environment in this czar process: later boxes find its files in place. */
const started = new Map<string, Promise<void>>();

/**
 * Runs an agent's first-run command outside any box, once, before its first boxed start: what the agent sets up on its
 * first run outside its home (Copilot CLI unpacks its binary into the person's cache) is read-only inside a box, so
 * a new user's first boxed start would fail. It reads no task and no worker's text. A failure is left for the boxed
 * start to show, where the agent's own words reach the worker's pane.
 */
export function firstRunUnboxed(
  preset: string,
  command: string,
  env: Readonly<Record<string, string>>,
  cwd: string,
): Promise<void> {
  const args = AGENT_FIRST_RUN[preset];
  if (args === undefined) return Promise.resolve();
  const key = JSON.stringify([command, args, env]);
  let first = started.get(key);
  if (first === undefined) {
    first = run(command, args, { env: cleanEnv(env), cwd, allowFailure: true, timeoutMs: 120_000 }).then(
      () => undefined,
      () => undefined,
    );
    started.set(key, first);
  }
  return first;
}
