import { constants } from 'node:os';
import { processAlive } from '../adapters/process-table.js';
import { letGoOfHungUpTerminal } from '../adapters/terminal.js';
import { setTimeout as sleep } from 'node:timers/promises';

const SIGNALS = ['SIGHUP', 'SIGTERM', 'SIGINT'] as const;

/**
 * Runs `cleanup` once when the terminal goes away (SIGHUP) or the process is told to stop (SIGTERM, SIGINT), then
 * exits with 128 + the signal's number, as a shell reports it. Returns the function that takes the handlers off.
 */
export function onTerminalGone(cleanup: () => Promise<void>): () => void {
  let started = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (started) return;
    started = true;
    void cleanup()
      .catch(() => undefined)
      .finally(() => {
        if (signal === 'SIGHUP') letGoOfHungUpTerminal();
        process.exit(128 + (constants.signals[signal] ?? 1));
      });
  };
  // Kept on (not once) until the exit: execa's exit handler, added whenever a child runs, re-raises a signal it sees
  // no other listener for, which would kill this process before its cleanup.
  for (const signal of SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
}

/** Waits until none of `pids` runs any more, for at most `timeoutMs`. */
export async function waitForExit(pids: readonly number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(processAlive) && Date.now() < deadline) await sleep(50);
}
