import { existsSync } from 'node:fs';
import { availableParallelism, loadavg, setPriority } from 'node:os';
import { execa } from 'execa';
import { CzarError } from '../domain/model/errors.js';
import { processRunning } from './process-table.js';

export interface RunOptions {
  readonly cwd?: string;
  /** Written to the child's stdin (load-buffer reads the task from here). */
  readonly input?: string | Uint8Array;
  /** The complete environment of the child (nothing is inherited implicitly). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Resolve with the exit code instead of throwing when the command fails. */
  readonly allowFailure?: boolean;
  readonly timeoutMs?: number;
  /** Work nobody waits on at once: the child runs at a lower CPU priority, behind the agents and tmux. */
  readonly background?: boolean;
}

/** A background child's niceness: the agents, their panes and the czar itself get the cores first. */
const BACKGROUND_NICENESS = 10;

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

function lowerPriority(pid: number): void {
  try {
    setPriority(pid, BACKGROUND_NICENESS);
  } catch {
    // Gone already, or not allowed: it runs at the priority it has.
  }
}

/**
 * Runs one external program with an argument array: never a shell, so nothing in an argument is interpreted.
 * A missing program becomes a CzarError that says which one and how to get it.
 */
export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  try {
    const child = execa(file, args, {
      cwd: options.cwd,
      input: options.input,
      env: options.env,
      extendEnv: options.env === undefined,
      reject: false,
      stripFinalNewline: false,
      timeout: options.timeoutMs,
      encoding: 'utf8',
    });
    if (options.background === true && child.pid !== undefined) lowerPriority(child.pid);
    const result = await child;
    if (result.failed && result.exitCode === undefined) {
      const cause = result.cause;
      if (isErrno(cause) && cause.code === 'ENOENT' && options.cwd !== undefined && !existsSync(options.cwd)) {
        throw new CzarError(
          'cwd_missing',
          `The folder ${options.cwd} does not exist, so "${file}" cannot run there; create it or fix the path that names it.`,
          { cause },
        );
      }
      if (isErrno(cause) && cause.code === 'ENOENT') {
        throw new CzarError(
          'command_missing',
          `"${file}" was not found on PATH; install it or fix PATH, then run the command again.`,
          { cause },
        );
      }
      throw new CzarError('command_failed', `"${file} ${args.join(' ')}" could not run: ${result.shortMessage}.`, {
        cause,
      });
    }
    const exitCode = result.exitCode ?? 1;
    if (exitCode !== 0 && options.allowFailure !== true) throw exitError(file, args, exitCode, result.stderr);
    return { stdout: result.stdout, stderr: result.stderr, exitCode };
  } catch (error) {
    if (error instanceof CzarError) throw error;
    throw new CzarError('command_failed', `"${file}" could not run: ${String(error)}.`, { cause: error });
  }
}

/** The error of a command that ran and failed, naming it and the first line it printed on stderr. */
export function exitError(file: string, args: readonly string[], exitCode: number, stderr: string): CzarError {
  const reason = stderr.trim().split('\n')[0] ?? '';
  return new CzarError(
    'command_failed',
    `"${file} ${args.join(' ')}" exited with ${exitCode}${reason === '' ? '' : `: ${reason}`}.`,
    { details: [stderr.trim()].filter((line) => line !== '') },
  );
}

/**
 * Starts a program in a session of its own (setsid) that nothing waits for: it outlives this process and the
 * terminal it runs in, and a hang-up or a kill of this pane's process group does not reach it. Its output is dropped.
 */
export function spawnDetached(
  file: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: Readonly<Record<string, string>> },
): void {
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    stdio: 'ignore',
    reject: false,
  });
  child.unref();
}

function isErrno(value: unknown): value is NodeJS.ErrnoException {
  return value instanceof Error && 'code' in value;
}

/**
 * The environment for the programs czar drives. Without tmux's own variables, so a child tmux client never talks to
 * the caller's server; and without CI markers (CI, CONTINUOUS_INTEGRATION, CI_*), which a tmux server would pass on
 * to every agent and which switch TUIs such as Gemini CLI and ink apps to non-interactive output.
 */
export function cleanEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...baseEnv(), ...extra };
}

let cachedEnv: Record<string, string> | undefined;

/**
 * Read once: enumerating process.env goes through the C++ environment each time and cost 86 ms of a 20-worker
 * launch here. czar never changes its own environment after start-up (the dashboard's CI=false is dropped anyway).
 */
function baseEnv(): Record<string, string> {
  if (cachedEnv !== undefined) return cachedEnv;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !DROPPED_ENV.test(key)) env[key] = value;
  }
  cachedEnv = env;
  return env;
}

const DROPPED_ENV = /^(TMUX|TMUX_PANE|CI|CONTINUOUS_INTEGRATION|CI_.*)$/;

/**
 * Waits until the process is gone, killing it once `graceMs` has passed: a process still writing when its caller
 * goes on would leave its files behind it.
 */
export async function awaitExit(pid: number, graceMs: number): Promise<void> {
  if (await exitsWithin(pid, graceMs)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  // SIGKILL cannot be caught: a process that outlives it by a grace period more is stuck in the kernel.
  await exitsWithin(pid, graceMs);
}

/** Whether the process is gone within `ms`, looked at every `everyMs`. */
export async function exitsWithin(pid: number, ms: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (await processRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}

/** The machine's one-minute load average per core (0 where the platform has none). */
export function loadPerCore(): number {
  return (loadavg()[0] ?? 0) / Math.max(1, availableParallelism());
}
