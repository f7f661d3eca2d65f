import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { czar, deleteStateDir, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git-repo.js';
import { capturedFiles } from '../helpers/sim-captures.js';

describe('.czar/ deleted while the fleet runs (git clean -fdx)', () => {
  test('the next up adopts the running agents without pasting their tasks again, unless --redeliver says so', async () => {
    const { root } = await tempRepo();
    const captures = path.join(root, 'captures');
    await writeFleetConfig(
      root,
      uniqueProject(),
      `repo: repo\nagent: sim\npolicy: { bonus: off, idle_after: 10m }\nworkers:\n  - name: api\n    env: { CZAR_SIM_CAPTURE_DIR: "${captures}" }\n    task: "Work.\\n@sim work 600 long"\n`,
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    expect(await capturedFiles(captures)).toEqual(['api-1.txt']);

    await deleteStateDir(path.join(root, '.czar'));
    const dry = await czar(['up', '--dry-run'], { cwd: root });
    expect(dry.stdout).toContain(
      '  api: czar/api (reuse worktree) · adopt running session · no launch record (the state dir was lost): task not pasted again; "czar up --redeliver" pastes it',
    );
    const again = await czar(['up', '--detach'], { cwd: root });
    expect(again.stderr).toBe('');
    expect(again.exitCode).toBe(0);
    expect(await capturedFiles(captures)).toEqual(['api-1.txt']);

    await deleteStateDir(path.join(root, '.czar'));
    const redeliver = await czar(['up', '--detach', '--redeliver'], { cwd: root });
    expect(redeliver.exitCode).toBe(0);
    expect(await capturedFiles(captures)).toEqual(['api-1.txt', 'api-2.txt']);
  });
});
