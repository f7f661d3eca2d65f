import type { ReviewCall, ReviewOutput } from '../agents/review-mode.js';
import { readUtf8, writeTextFile } from './file-system.js';
import { run } from './process.js';

export interface ReviewProcessResult {
  readonly output: ReviewOutput;
  readonly exitCode: number;
  readonly stderr: string;
}

/**
 * Runs one reviewer call: writes its input files (private to the user), starts the agent with an argument array
 * and the whole environment of the czar plus the call's own, and reads back what it printed and wrote.
 */
export async function runReviewCall(call: ReviewCall, timeoutMs: number): Promise<ReviewProcessResult> {
  for (const file of call.files) await writeTextFile(file.path, file.content, 0o600);
  const result = await run(call.command, call.args, {
    cwd: call.cwd,
    env: { ...process.env, ...call.env },
    ...(call.stdin === undefined ? {} : { input: call.stdin }),
    allowFailure: true,
    timeoutMs,
  });
  const files: Record<string, string> = {};
  for (const file of call.outputs) {
    const text = await readUtf8(file).catch(() => undefined);
    if (text !== undefined) files[file] = text;
  }
  return { output: { stdout: result.stdout, files }, exitCode: result.exitCode, stderr: result.stderr };
}
