import { once } from 'node:events';
import { execa } from 'execa';
import type { ReviewCall, ReviewOutput } from '../domain/model/review-call.js';
import { CzarError } from '../domain/model/errors.js';
import { newRunMarker, recordRun, RUN_MARKER } from './check-processes.js';
import { readUtf8, removeFile, writeTextFile } from './file-system.js';
import { cleanEnv } from './process.js';

export interface ReviewProcessResult {
  readonly output: ReviewOutput;
  readonly exitCode: number;
  readonly stderr: string;
}

/**
 * The most a reviewer may print: Codex's JSON events carry every command's output, and a reviewer that runs a chatty
 * test suite should not cost czar its memory.
 */
export const MAX_REVIEW_OUTPUT_BYTES = 16 * 1024 * 1024;

/** After SIGTERM the reviewer's group gets this long to exit before SIGKILL. */
const KILL_GRACE_MS = 2000;

/**
 * Runs one reviewer call: writes its input files (private to the user), starts the agent with an argument array
 * and the whole environment of the czar plus the call's own, and reads back what it printed and wrote. The agent
 * leads its own process group: Gemini CLI re-launches itself as a child that holds the output pipes, so a timeout
 * stops the whole group (measured with 0.61: stopping only the parent left the call hanging for 70 s) and rejects.
 * The run is on record in `runFile` while it runs, its processes marked as a check's are, so a czar killed mid-review
 * leaves enough behind for the next one to stop the reviewer before it reviews again.
 */
export async function runReviewCall(
  call: ReviewCall,
  timeoutMs: number,
  runFile: string,
): Promise<ReviewProcessResult> {
  for (const file of call.files) await writeTextFile(file.path, file.content, 0o600);
  const marker = newRunMarker();
  await recordRun(runFile, {
    marker,
    deadline: new Date(Date.now() + timeoutMs + KILL_GRACE_MS).toISOString(),
    cwd: call.cwd,
    czarPid: process.pid,
  });
  try {
    return await runMarked(call, timeoutMs, marker);
  } finally {
    await removeFile(runFile);
  }
}

async function runMarked(call: ReviewCall, timeoutMs: number, marker: string): Promise<ReviewProcessResult> {
  const child = execa(call.command, [...call.args], {
    cwd: call.cwd,
    env: cleanEnv({ ...call.env, [RUN_MARKER]: marker }),
    extendEnv: false,
    detached: true,
    input: call.stdin ?? '',
    reject: false,
    stripFinalNewline: false,
    encoding: 'utf8',
    // Above the bound below, which stops the whole group: execa alone stops only the leader, and waits on the rest.
    maxBuffer: 2 * MAX_REVIEW_OUTPUT_BYTES,
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  let printed = 0;
  let tooLarge = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    printed += chunk.length;
    if (printed <= MAX_REVIEW_OUTPUT_BYTES || tooLarge) return;
    tooLarge = true;
    killGroup('SIGKILL');
  });
  let timedOut = false;
  let grace: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup('SIGTERM');
    grace = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
  }, timeoutMs);
  await once(child, 'exit').catch(() => undefined);
  clearTimeout(timer);
  if (grace !== undefined) clearTimeout(grace);
  // Whatever the reviewer left running in its group goes with it, so nothing holds the pipes open.
  killGroup('SIGKILL');
  const result = await child;
  const command = [call.command, ...call.args.slice(0, 3)].join(' ');
  if (timedOut) {
    throw new CzarError(
      'review_timed_out',
      `The reviewer "${command} …" gave no answer within ${Math.round(timeoutMs / 1000)} s and was stopped; check that its model endpoint answers, or raise the review timeout.`,
    );
  }
  if (tooLarge) {
    throw new CzarError(
      'review_output_too_large',
      `The reviewer "${command} …" printed more than ${MAX_REVIEW_OUTPUT_BYTES / 1024 / 1024} MB and was stopped; ask it in its role file to keep command output short (for example, to run tests quietly).`,
    );
  }
  if (result.exitCode === undefined && result.signal === undefined) {
    throw new CzarError(
      'command_failed',
      `The reviewer "${call.command}" could not start in ${call.cwd}: ${result.shortMessage}; install it or fix the agent's command in czar.yaml.`,
      { cause: result.cause },
    );
  }
  const files: Record<string, string> = {};
  for (const file of call.outputs) {
    const text = await readUtf8(file).catch(() => undefined);
    if (text !== undefined) files[file] = text;
  }
  return { output: { stdout: result.stdout, files }, exitCode: result.exitCode ?? 1, stderr: result.stderr };
}
