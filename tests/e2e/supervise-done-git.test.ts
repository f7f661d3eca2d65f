import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeReportAfter } from '../../src/adapters/report-files.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { gitIn, tempDir } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

/** How long each git call sleeps once the brake file exists: far longer than a delivery of a bonus task. */
const SLOW_S = 5;

/**
 * A folder to put first on PATH whose `git` sleeps SLOW_S seconds while `brake` exists, then runs the real one and
 * writes when it ended (ms since the epoch) to `ends`.
 */
async function slowGitBin(brake: string, ends: string): Promise<string> {
  const bin = path.join(await tempDir('czar-slow-git-'), 'bin');
  await mkdir(bin);
  const real = (await execa('which', ['git'])).stdout.trim();
  await writeFile(
    path.join(bin, 'git'),
    `#!/bin/sh\nif [ -e '${brake}' ]; then\n  sleep ${SLOW_S}\n  '${real}' "$@"\n  code=$?\n  date +%s%3N >> '${ends}'\n  exit $code\nfi\nexec '${real}' "$@"\n`,
  );
  await chmod(path.join(bin, 'git'), 0o755);
  return bin;
}

describe('czar supervision: a done report and git', () => {
  it('hands out the bonus task for a done report right after a commit without waiting on the look at that commit, and counts the commit beside it', async () => {
    const scratch = await tempDir('czar-done-git-');
    const brake = path.join(scratch, 'brake');
    const ends = path.join(scratch, 'ends.log');
    const bin = await slowGitBin(brake, ends);
    const pathBefore = process.env.PATH;
    // The czar runs in this process, which reads its environment once: so this test has a fork of its own (e2e).
    process.env.PATH = `${bin}:${pathBefore ?? ''}`;
    onTestFinished(() => {
      process.env.PATH = pathBefore;
    });
    const fx = await fleetFixture({
      policy: { idle_after: '1h', stuck_after: '2h', escalate_after: '1h' },
      workers: [{ name: 'w', task: '# Work\n@sim write a.txt one\\n\n@sim commit first\n@sim quiet' }],
      bonus: [{ name: 'next', task: '# Next BONUS-D41\n@sim quiet' }],
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((status) => workerIn(status, 'w').git.commitsAhead === 1, { what: 'the first commit' });

    // `git commit && czar report done`: the report comes before the czar has looked at the commit.
    const worktree = fx.fleet.config.workers[0]!.worktree;
    await writeFile(path.join(worktree, 'b.txt'), 'two\n');
    await gitIn(worktree, ['add', 'b.txt']);
    await gitIn(worktree, ['commit', '-q', '-m', 'second']);
    await writeFile(brake, '');
    await writeReportAfter(fx.fleet.paths, 'w', (previous) => ({
      report: {
        worker: 'w',
        state: 'done',
        at: new Date().toISOString(),
        source: 'test',
        seq: (previous?.seq ?? 0) + 1,
      },
      turnEnd: false,
    }));

    const delivered = await fx.waitForEvent('task_delivered', 'w', {
      match: (event) => event.data?.taskId === 'next',
      timeoutMs: 60_000,
    });
    // Delivered before any git call the czar made since the report came back, and the czar did make one: the slow git
    // on PATH is the one it ran.
    const firstEnd = await waitFor(
      async () => {
        const times = (await readFile(ends, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
        return times.length > 0 ? Math.min(...times) : undefined;
      },
      { timeoutMs: 30_000, what: "the first of the czar's slow git calls to end" },
    );
    expect(Date.parse(delivered.at)).toBeLessThan(firstEnd);
    await rm(brake);
    // The commit is counted all the same, by the look beside the passes.
    await fx.waitForStatus((status) => workerIn(status, 'w').git.commitsAhead === 2, {
      timeoutMs: 60_000,
      what: 'the second commit counted',
    });
  });
});
