import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';

const worker = (name: string): string => `  - name: ${name}\n    task: "Work.\\n@sim work 600 long"\n`;

describe.skipIf(!existsSync('/usr/bin/bwrap'))('the repositories of boxed workers', () => {
  it('czar’s git never runs what a worker planted in its repository, and down --purge removes only the clean ones czar made', async () => {
    const { root, repo } = await tempRepo();
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\nbase: main\nsandbox: required\npolicy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\nworkers:\n${['dirty', 'ahead', 'clean'].map(worker).join('')}`,
    );
    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode, up.stderr).toBe(0);
    const work = path.join(root, '.czar', 'work');
    const own = (name: string): string => path.join(work, name);

    // Work only a worker's repository holds: an uncommitted file, and a commit on a branch czar never fetched.
    await writeFile(path.join(own('dirty'), 'notes.txt'), 'unsaved\n');
    await gitIn(own('ahead'), ['switch', '--quiet', '-c', 'side']);
    await gitIn(own('ahead'), ['commit', '--quiet', '--allow-empty', '-m', 'only here']);
    // A folder czar did not make.
    await mkdir(own('stranger'));
    await writeFile(path.join(own('stranger'), 'keep.txt'), 'mine\n');

    // What a worker could plant in its own repository's config (from outside the box here, as a worker that got out
    // of it would): a file-system monitor, a hooks folder and an alias, each leaving a mark if czar's git ran it.
    const marks = path.join(root, 'marks');
    await mkdir(marks);
    const hook = path.join(root, 'planted.sh');
    await writeFile(hook, `#!/bin/sh\ntouch '${marks}'/"$(basename "$0")-$$"\n`);
    await chmod(hook, 0o755);
    const hooks = path.join(root, 'planted-hooks');
    await mkdir(hooks);
    for (const name of ['post-checkout', 'pre-commit', 'post-merge', 'reference-transaction', 'pre-push'])
      await writeFile(path.join(hooks, name), `#!/bin/sh\ntouch '${marks}/${name}'\n`, { mode: 0o755 });
    for (const name of ['dirty', 'ahead', 'clean']) {
      await gitIn(own(name), ['config', 'core.fsmonitor', hook]);
      await gitIn(own(name), ['config', 'core.hooksPath', hooks]);
      await gitIn(own(name), ['config', 'alias.status', `!touch '${marks}/alias'`]);
    }
    const refused = await czar(['down', '--purge'], { cwd: root });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(`dirty: 1 uncommitted change(s) in ${own('dirty')}`);
    expect(refused.stderr).toContain(`ahead: 1 commit(s) in ${own('ahead')} are in no branch of ${repo}`);
    expect(refused.stdout).toContain(`purged clean: removed repository ${own('clean')}`);
    expect(existsSync(own('dirty'))).toBe(true);
    expect(existsSync(own('ahead'))).toBe(true);
    expect(existsSync(own('clean'))).toBe(false);

    const forced = await czar(['down', '--purge', '--force'], { cwd: root });
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(existsSync(own('dirty'))).toBe(false);
    expect(existsSync(own('ahead'))).toBe(false);
    expect(existsSync(path.join(own('stranger'), 'keep.txt'))).toBe(true);

    const { readdir } = await import('node:fs/promises');
    expect(await readdir(marks), 'what czar’s git ran of the planted config').toEqual([]);
  });
});
