import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processRunning } from '../../src/adapters/process-table.js';
import { czar, fleetEvents, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { PACKAGE_ROOT } from '../helpers/fleet-fixture.js';
import { tempRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const REVIEWER = path.join(PACKAGE_ROOT, 'tests', 'fixtures', 'slow-first-reviewer.js');

describe('a reviewer whose czar was killed', () => {
  it('is stopped by the next czar before it reviews the same commit again, and one verdict arrives', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    const runs = path.join(root, 'reviewer.jsonl');
    await writeFleetConfig(
      root,
      project,
      [
        'repo: repo',
        'agent: sim',
        'policy: { bonus: off, idle_after: 10m, restart: { max: 0 } }',
        `agents: { judge: { command: ${JSON.stringify(process.execPath)}, review_args: [${JSON.stringify(REVIEWER)}, ${JSON.stringify(runs)}] } }`,
        'review: { agent: judge, timeout: 20m }',
        'workers:',
        '  - { name: alpha, task: "# Add a\\n@sim write src/a.ts export const a = 1;\\\\n\\n@sim commit add a\\n@sim done a added" }',
        '',
      ].join('\n'),
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    const reviewers = async (): Promise<number[]> =>
      (await readFile(runs, 'utf8').catch(() => ''))
        .trim()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => (JSON.parse(line) as { pid: number }).pid);
    const [orphan = 0] = await waitFor(async () => ((await reviewers()).length > 0 ? reviewers() : undefined), {
      timeoutMs: 60_000,
      what: 'the first reviewer to start',
    });

    const lock = path.join(root, '.czar', 'supervisor.pid');
    const killed = (JSON.parse(await readFile(lock, 'utf8')) as { pid: number }).pid;
    process.kill(killed, 'SIGKILL');
    await waitFor(async () => !(await processRunning(killed)), { what: 'the czar to die' });
    // Its reviewer runs on, with 20 minutes left on its timeout.
    expect(await processRunning(orphan)).toBe(true);

    const again = await czar(['up', '--detach'], { cwd: root });
    expect(again.exitCode, again.stderr).toBe(0);
    await waitFor(async () => !(await processRunning(orphan)), {
      timeoutMs: 30_000,
      what: 'the orphaned reviewer to stop',
    });
    const approvals = async (): Promise<number> =>
      (await fleetEvents(root)).filter((event) => event.kind === 'review_approved').length;
    await waitFor(async () => (await approvals()) > 0, { timeoutMs: 60_000, what: "the new czar's review" });
    expect(await approvals()).toBe(1);
    expect(await reviewers()).toHaveLength(2);
  });
});
