import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

describe('czar up notes', () => {
  test('an untracked czar.yaml, as czar init leaves it, is no uncommitted change; a task edited after delivery is named with the fix', async () => {
    const { repo } = await tempRepo();
    const project = uniqueProject();
    const config = (task: string) =>
      `agent: sim\nworkers:\n  - name: api\n    task: |\n      ${task}\n      @sim work 60\n`;
    await writeFleetConfig(repo, project, config('Build the gateway.'));

    const first = await czar(['up', '--detach'], { cwd: repo });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).not.toContain('uncommitted');

    // The czar starts just after `up --detach` returns; an edit is "since it started" once its pid file exists.
    await waitFor(() => existsSync(path.join(repo, '.czar', 'supervisor.pid')), { what: 'the czar to start' });
    await writeFile(path.join(repo, 'scratch.txt'), 'work in progress\n');
    await writeFleetConfig(repo, project, config('Build the gateway, with rate limits.'));
    const second = await czar(['up', '--detach'], { cwd: repo });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toContain(
      'note: the task of worker "api" changed in czar.yaml after it was delivered, and its running agent still has the old one; send it the new text with "czar send api --file <file>", or start it afresh on the new task with "czar restart api".',
    );
    expect(second.stdout).toContain(
      `note: uncommitted changes in ${repo} are not part of the launch; api keeps its worktree.`,
    );
  });
});
