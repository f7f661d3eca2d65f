import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { FleetStatus } from '../../src/domain/status/status-schema.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

async function status(root: string): Promise<FleetStatus | undefined> {
  return JSON.parse(await readFile(path.join(root, '.czar', 'status.json'), 'utf8')) as FleetStatus;
}

describe('a worker whose worktree folder was deleted', () => {
  test('is told to run "czar up", and "czar up" makes it again on its branch and starts the agent there', async () => {
    const { root, repo } = await tempRepo();
    await writeFleetConfig(
      root,
      uniqueProject(),
      'repo: repo\nagent: sim\npolicy: { bonus: off, idle_after: 10m }\nworkers:\n  - name: one\n    task: "Work.\\n@sim write one.txt one\\n@sim commit one\\n@sim work 600 long"\n',
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    const worktree = path.join(root, 'repo-workers', 'one');
    await waitFor(async () => (await status(root))?.workers[0]?.git.commitsAhead === 1, {
      timeoutMs: 30_000,
      what: 'one committed',
    });

    await rm(worktree, { recursive: true, force: true });
    const missing = await waitFor(
      async () => (await status(root))?.workers[0]?.alerts.find((alert) => alert.kind === 'worktree_missing'),
      { timeoutMs: 30_000, what: 'the worktree_missing alert' },
    );
    expect(missing.message).toContain(`if it was removed, run "czar up": it makes it again on branch czar/one`);

    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(existsSync(path.join(worktree, 'one.txt'))).toBe(true);
    expect(await gitIn(worktree, ['branch', '--show-current'])).toBe('czar/one');
    expect(await gitIn(repo, ['log', '-1', '--format=%s', 'czar/one'])).toBe('one');
    const log = await czar(['log'], { cwd: root });
    expect(log.stdout).toMatch(/worktree_added +worktree .* made again \(its folder was missing\)/);
    expect(log.stdout).toMatch(
      /session_started +started sim again in tmux session "one" .*: its worktree folder was made again/,
    );
    await waitFor(
      async () => {
        const worker = (await status(root))?.workers[0];
        return worker !== undefined && worker.state !== 'worktree_missing' && worker.alerts.length === 0;
      },
      { timeoutMs: 30_000, what: 'one working again' },
    );
  });
});
