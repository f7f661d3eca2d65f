import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git-repo.js';

const FLEET = 'repo: repo\nagent: sim\npolicy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\nworkers:\n  - { name: alpha, task: "Work.\\n@sim work 600 long" }\n  - { name: beta, task: "Work.\\n@sim work 600 long" }\n';

describe("a person's commands from a worker's environment", () => {
  test('send, restart, bonus, pause, up and down --purge --force refuse with one sentence; the fleet and its work stay', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    await writeFleetConfig(root, project, FLEET);
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    const inAlpha = { CZAR_WORKER: 'alpha', CZAR_STATE_DIR: path.join(root, '.czar') };

    for (const args of [['send', 'beta', 'touch', 'pwned'], ['restart', 'beta'], ['bonus', 'beta'], ['pause'], ['up'], ['down', '--purge', '--force']]) {
      const result = await czar(args, { cwd: root, env: inAlpha });
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr).toBe(`czar: "czar ${args[0]}" is a person's command and this shell belongs to worker "alpha" (CZAR_WORKER is set), so it was refused; run it from a terminal outside the fleet's panes, or as "env -u CZAR_WORKER czar ${args[0]} ...".`);
    }
    const tmux = new Tmux(`czar-${project}`);
    expect((await tmux.listPanes()).map((pane) => pane.session).sort()).toEqual(['alpha', 'beta', 'czar']);
    expect(existsSync(path.join(root, 'repo-workers', 'beta'))).toBe(true);

    // What a worker uses is not refused: it reads the fleet.
    const peers = await czar(['peers'], { cwd: root, env: inAlpha });
    expect(peers.exitCode, peers.stderr).toBe(0);
    expect(peers.stdout).toContain('beta');
    expect((await czar(['status'], { cwd: root, env: inAlpha })).exitCode).toBe(0);
  });
});
