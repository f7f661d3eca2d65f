import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CZAR_BIN_DIR } from '../../src/adapters/package-files.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { PACKAGE_ROOT } from '../helpers/fleet-fixture.js';
import { tempRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

describe("a worker's env", () => {
  test("PATH is kept with czar's bin folder put first, the agent command is found on it, and the plan says what czar sets", async () => {
    const { root } = await tempRepo();
    const tools = path.join(root, 'tools');
    const seen = path.join(root, 'path-seen.txt');
    await mkdir(tools);
    const sim = path.join(PACKAGE_ROOT, 'bin', 'czar-sim-agent.js');
    await writeFile(
      path.join(tools, 'myagent'),
      `#!/bin/sh\nprintf '%s' "$PATH" > '${seen}'\nexec '${process.execPath}' '${sim}' "$@"\n`,
    );
    await chmod(path.join(tools, 'myagent'), 0o755);
    const userPath = `${tools}:/usr/bin:/bin`;
    await writeFleetConfig(
      root,
      uniqueProject(),
      `repo: repo\nagents:\n  mine: { command: myagent, preset: sim }\nagent: mine\nworkers:\n  - { name: gateway, task: "Build it.\\n@sim quiet", env: { PATH: "${userPath}" } }\n`,
    );

    const plan = await czar(['up', '--dry-run'], { cwd: root });
    expect(plan.stdout).toContain(
      'env: czar sets CZAR_PROJECT, CZAR_WORKER, CZAR_STATE_DIR, CZAR_CONFIG and CZAR_WORKER_PROOF for each agent, and puts its own bin folder first on PATH',
    );
    expect(plan.stdout).not.toContain('problem:');
    expect(plan.exitCode).toBe(0);

    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.stderr).toBe('');
    expect(up.exitCode).toBe(0);
    expect(await waitFor(() => readFile(seen, 'utf8').catch(() => undefined), { what: 'the PATH myagent saw' })).toBe(
      `${CZAR_BIN_DIR}:${userPath}`,
    );
  });
});
