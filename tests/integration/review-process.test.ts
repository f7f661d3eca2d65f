import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_REVIEW_OUTPUT_BYTES, runReviewCall } from '../../src/adapters/review-process.js';
import type { ReviewCall } from '../../src/domain/model/review-call.js';
import { readJson } from '../../src/adapters/state-files.js';
import { tempDir } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

// runReviewCall with small stand-in reviewers (a shell line each), for what the real CLIs cannot be made to do.
async function shellCall(script: string, extra: Partial<ReviewCall> = {}): Promise<ReviewCall> {
  const dir = await tempDir('czar-review-call-');
  return { cwd: dir, command: '/bin/sh', args: ['-c', script], env: {}, files: [], outputs: [], ...extra };
}

/** A call whose run is on record beside it. */
function runCall(call: ReviewCall, timeoutMs: number): ReturnType<typeof runReviewCall> {
  return runReviewCall(call, timeoutMs, path.join(call.cwd, 'run.json'));
}

describe('runReviewCall', () => {
  it('gives the stdin to the reviewer, writes its input files and reads back its output files', async () => {
    const dir = await tempDir('czar-review-work-');
    const input = path.join(dir, 'schema.json');
    const answer = path.join(dir, 'answer.json');
    const call = await shellCall(`cat "${input}" > "${answer}"; cat`, {
      stdin: 'the prompt',
      files: [{ path: input, content: '{"type": "object"}' }],
      outputs: [answer, path.join(dir, 'never-written.json')],
    });
    const result = await runCall(call, 10_000);
    expect(result.exitCode).toBe(0);
    expect(result.output).toEqual({ stdout: 'the prompt', files: { [answer]: '{"type": "object"}' } });
  });

  it('keeps the run on record while the reviewer runs, its processes marked, and forgets it once it ends', async () => {
    const call = await shellCall('sleep 1; echo "$CZAR_CHECK_RUN"');
    const file = path.join(call.cwd, 'run.json');
    const running = runCall(call, 10_000);
    const record = await waitFor(async () => readJson<{ marker: string; czarPid: number }>(file), {
      timeoutMs: 5_000,
      what: 'the run on record',
    });
    expect(record.czarPid).toBe(process.pid);
    expect((await running).output.stdout).toBe(`${record.marker}\n`);
    expect(existsSync(file)).toBe(false);
  });

  it('returns as soon as the reviewer exits, though something it started still holds its output', async () => {
    const started = Date.now();
    const result = await runCall(await shellCall('sleep 30 & echo answered'), 20_000);
    expect(result.output.stdout).toBe('answered\n');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops a reviewer that ignores SIGTERM at its timeout, and rejects naming it', async () => {
    const started = Date.now();
    await expect(runCall(await shellCall("trap '' TERM; sleep 30"), 1_000)).rejects.toThrow(
      /The reviewer "\/bin\/sh -c trap .*" gave no answer within 1 s and was stopped/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops a reviewer that prints more than the bound, and rejects saying so', async () => {
    const call = await shellCall(`head -c ${MAX_REVIEW_OUTPUT_BYTES + 1024} /dev/zero | tr '\\0' x; sleep 30`);
    const started = Date.now();
    await expect(runCall(call, 20_000)).rejects.toThrow(/printed more than 16 MB and was stopped/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a reviewer command that does not exist is an error that names it', async () => {
    const call = { ...(await shellCall('')), command: 'czar-no-such-reviewer' };
    await expect(runCall(call, 5_000)).rejects.toThrow(/The reviewer "czar-no-such-reviewer" could not start/);
  });
});
