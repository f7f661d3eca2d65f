import { once } from 'node:events';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { neutraliseControls } from '../domain/model/sanitize.js';
import { BoundedLog } from './check-log.js';
import { killMarked, newRunMarker, recordRun, RUN_MARKER } from './check-processes.js';
import { cleanEnv } from './process.js';

/** One configured check run once: what a worker's branch is judged by. */
export interface CheckResult {
  readonly name: string;
  /** The command line as written in the config. */
  readonly run: string;
  /** True only when the command exited 0 before its timeout. */
  readonly ok: boolean;
  /** Undefined when the shell could not start or the process group was killed by a signal. */
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** The last lines of this check's output: bounded, control characters made visible. Untrusted text. */
  readonly tail: string;
  readonly logFile: string;
}

export interface RunCheckOptions {
  readonly name: string;
  readonly run: string;
  readonly cwd: string;
  readonly timeoutMs: number;
  /** Output is appended here (several checks of one commit share a log), after a `$ name: command` header. */
  readonly logFile: string;
  /** Start the log afresh instead of appending: the first check of a run. */
  readonly fresh?: boolean;
  /** Where the run is recorded while it runs (pid, group, marker, deadline), for `reapRun` after a crash. */
  readonly runFile?: string;
  /** Added to czar's own clean environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** The engine's command line the shell runs in (a boxed worker's check runs in a box), ending with `--`. */
  readonly box?: readonly string[];
  /** Aborting kills the check's whole process group, like a timeout. */
  readonly signal?: AbortSignal;
}

export const TAIL_LINES = 40;
export const TAIL_BYTES = 4096;
/** A tail is read from at most this many bytes at the end of the log: enough for 40 lines, never the whole file. */
const TAIL_READ_BYTES = 64 * 1024;
/** After SIGTERM the group gets this long to exit before SIGKILL. */
const KILL_GRACE_MS = 2000;

/** After the shell exits, its output pipe gets this long to close (a process that escaped every kill may hold it). */
const DRAIN_MS = 2000;

/**
 * Runs a user-written check command the way package.json scripts run: through the user's shell (`$SHELL -c`,
 * else `/bin/sh -c`), since the config holds a command line, not an argument array. The shell leads its own
 * process group (`detached`), so a timeout or abort kills everything it started (a test runner's workers too),
 * not only the shell; daemons that left the group are found by the run's environment marker. Output streams
 * through a bounded log (head and tail kept), so a chatty check costs czar neither memory nor the disk.
 */
export async function runCheck(options: RunCheckOptions): Promise<CheckResult> {
  const started = Date.now();
  await mkdir(path.dirname(options.logFile), { recursive: true });
  const log = await open(options.logFile, options.fresh === true ? 'w' : 'a');
  const marker = newRunMarker();
  let timedOut = false;
  let exitCode: number | undefined;
  let from = 0;
  try {
    await log.write(`$ ${options.name}: ${options.run}\n`);
    from = (await log.stat()).size;
    // On record before it starts: a czar killed a moment after the spawn leaves nothing the next one cannot find.
    if (options.runFile !== undefined)
      await recordRun(options.runFile, {
        marker,
        deadline: new Date(started + options.timeoutMs + KILL_GRACE_MS).toISOString(),
        cwd: options.cwd,
        czarPid: process.pid,
      });
    const shell = process.env.SHELL !== undefined && process.env.SHELL !== '' ? process.env.SHELL : '/bin/sh';
    const [file = shell, ...prefix] = options.box ?? [];
    const child = execa(file, [...prefix, ...(options.box === undefined ? [] : [shell]), '-c', options.run], {
      cwd: options.cwd,
      env: cleanEnv({ ...options.env, [RUN_MARKER]: marker }),
      extendEnv: false,
      detached: true,
      stdin: 'ignore',
      all: true,
      buffer: false,
      reject: false,
    });
    const output = new BoundedLog(log);
    child.all?.on('data', (chunk: Buffer) => output.add(chunk));
    const exited = once(child, 'exit').catch(() => undefined);
    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is gone already.
      }
    };
    let grace: NodeJS.Timeout | undefined;
    const stop = (): void => {
      killGroup('SIGTERM');
      grace ??= setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = (): void => stop();
    if (options.signal?.aborted === true) stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    await exited;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    // The shell has exited; anything it left running, in its group or out of it, goes too, so no check outlives
    // its result.
    killGroup('SIGKILL');
    await killMarked(marker);
    if (grace !== undefined) clearTimeout(grace);
    const drain = setTimeout(() => child.all?.destroy(), DRAIN_MS);
    const result = await child;
    clearTimeout(drain);
    await output.finish();
    if (options.runFile !== undefined) await rm(options.runFile, { force: true });
    exitCode = result.exitCode;
    if (result.failed && result.exitCode === undefined && result.signal === undefined) {
      await log.write(`czar could not start ${shell} in ${options.cwd}: ${result.shortMessage}\n`);
    }
    if (timedOut)
      await log.write(`czar stopped "${options.name}" after its timeout of ${seconds(options.timeoutMs)}\n`);
  } finally {
    await log.close();
  }
  const durationMs = Date.now() - started;
  return {
    name: options.name,
    run: options.run,
    ok: exitCode === 0 && !timedOut,
    exitCode: timedOut ? undefined : exitCode,
    timedOut,
    durationMs,
    tail: await readTail(options.logFile, from),
    logFile: options.logFile,
  };
}

const seconds = (ms: number): string => (ms < 1000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`);

/** The last TAIL_LINES lines written after byte `from`, at most TAIL_BYTES, safe to show and to paste. */
export async function readTail(file: string, from: number): Promise<string> {
  const size = (await stat(file)).size;
  const start = Math.max(from, size - TAIL_READ_BYTES);
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return boundTail(buffer.toString('utf8'));
  } finally {
    await handle.close();
  }
}

/** Last lines of some output, bounded in lines and bytes, with control characters made visible. */
export function boundTail(text: string): string {
  // Terminal output uses CR to redraw a line (progress bars): only the last drawing of each line matters.
  const lines = text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.slice(line.lastIndexOf('\r') + 1));
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  let tail = neutraliseControls(lines.slice(-TAIL_LINES).join('\n'));
  if (Buffer.byteLength(tail) > TAIL_BYTES) {
    const bytes = Buffer.from(tail);
    // Cut at a line start when one is near, and drop a split multi-byte character (decoded as U+FFFD).
    tail = bytes
      .subarray(bytes.length - TAIL_BYTES)
      .toString('utf8')
      .replace(/^\uFFFD+/, '');
    const newline = tail.indexOf('\n');
    if (newline >= 0 && newline < 200) tail = tail.slice(newline + 1);
    tail = `…${tail}`;
  }
  return tail;
}
