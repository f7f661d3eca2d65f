/**
 * End to end with real tmux, git and sim agents: one tmux server serves one state dir. Two clones that share a
 * `project:` name (as `czar init` names it after the folder) must not paste into, replace or stop each other's fleet.
 */
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git-repo.js';

describe('a tmux server belongs to one fleet', () => {
  test('a second repo with the same project name is refused, naming the other repo, and cannot stop the first fleet', async () => {
    const project = uniqueProject();
    const first = await tempRepo();
    const second = await tempRepo();
    const captures = path.join(first.root, 'captures');
    await mkdir(captures);
    const fleet = (root: string) =>
      writeFleetConfig(
        root,
        project,
        `repo: repo\nagent: sim\npolicy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\nworkers:\n  - name: api\n    env: { CZAR_SIM_CAPTURE_DIR: "${captures}" }\n    task: "Work.\\n@sim work 600 long"\n`,
      );
    await fleet(first.root);
    const secondConfig = await fleet(second.root);
    expect((await czar(['up', '--detach'], { cwd: first.root })).exitCode).toBe(0);
    const tmux = new Tmux(`czar-${project}`);
    const panesBefore = (await tmux.listPanes()).map((pane) => `${pane.session}:${pane.paneId}:${pane.pid}`).sort();

    for (const command of [['up', '--detach'], ['up', '--dry-run'], ['down'], ['down', '--purge', '--force']]) {
      const result = await czar(command, { cwd: second.root });
      expect(result.exitCode, `czar ${command.join(' ')}`).not.toBe(0);
      expect(result.stderr).toContain(
        `The tmux server "czar-${project}" runs the fleet of ${first.root} (state dir ${path.join(first.root, '.czar')})`,
      );
      expect(result.stderr).toContain(`set another "project:" in ${secondConfig}`);
    }

    expect((await tmux.listPanes()).map((pane) => `${pane.session}:${pane.paneId}:${pane.pid}`).sort()).toEqual(
      panesBefore,
    );
    expect(await readdir(captures)).toEqual(['api-1.txt']);
  });
});
