import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git-repo.js';

const FLEET = 'repo: repo\nagent: sim\npolicy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\nworkers:\n  - name: one\n    task: "Work.\\n@sim work 600 long"\n';

describe('czar down', () => {
  test('with .czar/ deleted it still stops the whole fleet, and keeps the work', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    await writeFleetConfig(root, project, FLEET);
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    await rm(path.join(root, '.czar'), { recursive: true, force: true });

    const down = await czar(['down'], { cwd: root });
    expect(down.stderr).toBe('');
    expect(down.exitCode).toBe(0);
    expect(down.stdout).toContain('stopped 2 session(s)');
    expect(await new Tmux(`czar-${project}`).serverRunning()).toBe(false);
    expect(existsSync(path.join(root, 'repo-workers', 'one'))).toBe(true);
  });
});
