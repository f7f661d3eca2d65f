import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { markedProcesses } from '../../src/adapters/check-processes.js';
import { privateAgentDir } from '../../src/adapters/private-files.js';
import { processRunning } from '../../src/adapters/process-table.js';
import { czar, fleetEvents, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { PACKAGE_ROOT } from '../helpers/fleet-fixture.js';
import { tempRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const REVIEWER = path.join(PACKAGE_ROOT, 'tests', 'fixtures', 'slow-first-reviewer.js');

/** A fleet of one worker (`alpha`, boxed or not) reviewed by the slow-first reviewer logging to `log`, started. */
async function upWithSlowReviewer(log: (root: string) => string, sandbox: 'off' | 'required') {
  const { root } = await tempRepo();
  const project = uniqueProject();
  await writeFleetConfig(
    root,
    project,
    [
      'repo: repo',
      'agent: sim',
      'policy: { bonus: off, idle_after: 10m, restart: { max: 0 } }',
      `agents: { judge: { command: ${JSON.stringify(process.execPath)}, review_args: [${JSON.stringify(REVIEWER)}, ${JSON.stringify(log(root))}] } }`,
      'review: { agent: judge, timeout: 20m }',
      'workers:',
      `  - { name: alpha, sandbox: ${sandbox}, task: "# Add a\\n@sim write src/a.ts export const a = 1;\\\\n\\n@sim commit add a\\n@sim done a added" }`,
      '',
    ].join('\n'),
  );
  expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
  return { root, project, log: log(root) };
}

/** SIGKILLs the fleet's czar and waits for it to be gone. */
async function killCzar(root: string): Promise<void> {
  const lock = path.join(root, '.czar', 'supervisor.pid');
  const killed = (JSON.parse(await readFile(lock, 'utf8')) as { pid: number }).pid;
  process.kill(killed, 'SIGKILL');
  await waitFor(async () => !(await processRunning(killed)), { what: 'the czar to die' });
}

/** Starts a czar again, waits for `stopped` (the orphan gone), then for the new czar's one approval. */
async function upAgainAndReview(root: string, stopped: () => Promise<boolean>): Promise<void> {
  const again = await czar(['up', '--detach'], { cwd: root });
  expect(again.exitCode, again.stderr).toBe(0);
  await waitFor(stopped, { timeoutMs: 30_000, what: 'the orphaned reviewer to stop' });
  const approvals = async (): Promise<number> =>
    (await fleetEvents(root)).filter((event) => event.kind === 'review_approved').length;
  await waitFor(async () => (await approvals()) > 0, { timeoutMs: 60_000, what: "the new czar's review" });
  expect(await approvals()).toBe(1);
}

describe('a reviewer whose czar was killed', () => {
  it('is stopped by the next czar before it reviews the same commit again, and one verdict arrives', async () => {
    const { root, log } = await upWithSlowReviewer((dir) => path.join(dir, 'reviewer.jsonl'), 'off');
    const reviewers = async (): Promise<number[]> =>
      (await readFile(log, 'utf8').catch(() => ''))
        .trim()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => (JSON.parse(line) as { pid: number }).pid);
    const [orphan = 0] = await waitFor(async () => ((await reviewers()).length > 0 ? reviewers() : undefined), {
      timeoutMs: 60_000,
      what: 'the first reviewer to start',
    });

    await killCzar(root);
    // Its reviewer runs on, with 20 minutes left on its timeout.
    expect(await processRunning(orphan)).toBe(true);

    await upAgainAndReview(root, async () => !(await processRunning(orphan)));
    expect(await reviewers()).toHaveLength(2);
  });

  it.skipIf(!existsSync('/usr/bin/bwrap'))(
    'of a boxed worker: its box ends with its czar, and the next czar reviews once',
    async () => {
      // The reviewer logs in its home: inside its box that is its private copy, where it may write.
      const name = `.czar-orphan-${uniqueProject()}.jsonl`;
      const { root, project, log } = await upWithSlowReviewer(() => path.join(homedir(), name), 'required');
      onTestFinished(() => rm(log, { force: true }));
      const state = path.join(root, '.czar');
      const copy = path.join(await privateAgentDir(project, state, 'alpha'), 'review', 'home', name);
      const runFile = path.join(state, 'reviews', 'alpha', 'run.json');
      const marker = await waitFor(
        async () =>
          existsSync(copy) ? (JSON.parse(await readFile(runFile, 'utf8')) as { marker: string }).marker : undefined,
        { timeoutMs: 60_000, what: 'the first boxed reviewer to start' },
      );
      expect(existsSync(log), 'the reviewer wrote the home').toBe(false);

      // Its box (the engine, the launcher's socat and the reviewer) carries the run's mark.
      expect((await markedProcesses(marker)).length).toBeGreaterThanOrEqual(2);
      await killCzar(root);
      // The engine is the czar's child and dies with it (--die-with-parent), taking the whole box along.
      await waitFor(async () => (await markedProcesses(marker)).length === 0, {
        what: "the boxed reviewer's processes to end with their czar",
      });

      await upAgainAndReview(root, async () => (await markedProcesses(marker)).length === 0);
      expect((await readFile(copy, 'utf8')).trim().split('\n')).toHaveLength(2);
    },
  );
});
