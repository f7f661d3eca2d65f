import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';

describe('a launch that failed half-way', () => {
  test('is retried by the next up, which exits non-zero while the worker is not running; the branch its failed "worktree add -b" made is czar\'s', async () => {
    const { root, repo } = await tempRepo();
    // Like a full disk: "git worktree add" for half fails after making the branch, its worktree folder gone.
    const hook = path.join(repo, '.git', 'hooks', 'post-checkout');
    await writeFile(
      hook,
      '#!/bin/sh\nwt="$(pwd)"\ncase "$wt" in */half) ;; *) exit 0 ;; esac\ncd /\nrm -rf "$wt"\necho "write failed: No space left on device" >&2\nexit 1\n',
    );
    await chmod(hook, 0o755);
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      'repo: repo\nagent: sim\nworkers:\n  - { name: ok, task: "Fine.\\n@sim quiet" }\n  - { name: half, task: "Half.\\n@sim quiet" }\n',
    );
    const tmux = new Tmux(`czar-${project}`);

    const first = await czar(['up', '--detach'], { cwd: root });
    expect(first.stderr).toMatch(/^czar: Worker "half" did not start: .*No space left on device/m);
    expect(first.exitCode).toBe(1);
    expect(await readFile(path.join(root, '.czar', 'created.jsonl'), 'utf8')).toMatch(
      /"made":"branch","worker":"half","branch":"czar\/half"/,
    );

    const again = await czar(['up', '--detach'], { cwd: root });
    expect(again.stdout).not.toContain('the fleet is up');
    expect(again.stderr).toMatch(/Worker "half" did not start/);
    expect(again.exitCode).toBe(1);

    await rm(hook);
    const fixed = await czar(['up', '--detach'], { cwd: root });
    expect(fixed.stderr).toBe('');
    expect(fixed.exitCode).toBe(0);
    expect((await tmux.listSessions()).sort()).toEqual(['czar', 'half', 'ok']);

    const purge = await czar(['down', '--purge'], { cwd: root });
    expect(purge.exitCode).toBe(0);
    expect(await gitIn(repo, ['branch', '--list', 'czar/*'])).toBe('');
  });
});
