import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { FleetStatus } from '../../src/domain/status/status-schema.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempDir, tempRepo } from '../helpers/git-repo.js';

describe('the repo folder moved while its fleet runs', () => {
  test('status, up and down say the state dir is gone and how to move it back or stop that fleet', async () => {
    const parent = await tempDir();
    const { root } = await tempRepo({}, parent);
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      'repo: repo\nagent: sim\nworkers:\n  - { name: api, task: "Work.\\n@sim quiet" }\n',
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    // While its own czar runs, status prints what that czar wrote (the file may be rewritten in between: same fleet).
    const shown = JSON.parse((await czar(['status', '--json'], { cwd: root })).stdout) as FleetStatus;
    const written = JSON.parse(await readFile(path.join(root, '.czar', 'status.json'), 'utf8')) as FleetStatus;
    expect(shown.supervisor?.pid).toEqual(expect.any(Number));
    expect({ project: shown.project, pid: shown.supervisor?.pid, workers: shown.workers.map((w) => w.name) }).toEqual({
      project: written.project,
      pid: written.supervisor?.pid,
      workers: ['api'],
    });
    const moved = path.join(parent, 'moved');
    await rename(root, moved);

    for (const command of [['status'], ['up', '--detach'], ['down']]) {
      const result = await czar(command, { cwd: moved });
      expect(result.exitCode, `czar ${command.join(' ')}`).not.toBe(0);
      expect(result.stderr, `czar ${command.join(' ')}`).toBe(
        `czar: The tmux server "czar-${project}" runs the fleet whose state dir ${path.join(root, '.czar')} is gone (was ${root} moved here?); ` +
          `move the folder back and run the command again, or stop that fleet with "tmux -L czar-${project} kill-server" and then reconnect the worktrees with "git -C ${path.join(moved, 'repo')} worktree repair ${path.join(moved, 'repo-workers', 'api')}".`,
      );
    }
  });
});
