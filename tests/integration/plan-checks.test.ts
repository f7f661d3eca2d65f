import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { gitIn, tempDir, tempRepo } from '../helpers/git-repo.js';
import { agentCwds } from '../helpers/panes.js';
import { waitFor } from '../helpers/wait.js';

const POLICY = 'policy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\n';

/** Runs dry-run and up on a config that only git or the file system rejects: both name the problem, nothing is made. */
async function refusedBeforeAnythingIsMade(
  root: string,
  project: string,
  expected: RegExp,
  env?: Record<string, string>,
): Promise<void> {
  const dry = await czar(['up', '--dry-run'], { cwd: root, ...(env === undefined ? {} : { env }) });
  expect(dry.exitCode).toBe(1);
  expect(dry.stdout).toMatch(expected);
  const up = await czar(['up', '--detach'], { cwd: root, ...(env === undefined ? {} : { env }) });
  expect(up.exitCode).toBe(1);
  expect(up.stderr).toMatch(expected);
  expect(up.stderr).not.toMatch(/internal error|exited with/);
  expect(existsSync(path.join(root, 'repo-workers'))).toBe(false);
  expect(existsSync(path.join(root, '.czar'))).toBe(false);
  expect(await new Tmux(`czar-${project}`).serverRunning()).toBe(false);
}

describe('the plan finds what only git or the file system would reject, before anything is made', () => {
  test('branches that collide with each other or with an existing branch', async () => {
    const { root, repo } = await tempRepo();
    await gitIn(repo, ['branch', 'topic']);
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\n${POLICY}workers:\n  - { name: a, branch: feat, task: x }\n  - { name: b, branch: feat/x, task: y }\n  - { name: c, branch: topic/c, task: z }\n`,
    );
    await refusedBeforeAnythingIsMade(
      root,
      project,
      /Branch "feat\/x" of worker "b" cannot exist beside branch "feat" \(worker "a"\)/,
    );
    const dry = await czar(['up', '--dry-run'], { cwd: root });
    expect(dry.stdout).toMatch(
      /Branch "topic\/c" of worker "c" cannot exist beside branch "topic" \(already in the repo\)/,
    );
  });

  test('a launch the plan refuses writes nothing, though the record has a lesson and a worker is routed', async () => {
    const { root, repo } = await tempRepo();
    const learn = await tempDir('czar-plan-record-');
    const rootCommit = (await gitIn(repo, ['rev-list', '--max-parents=0', 'HEAD'])).trim();
    const lesson = { v: 1, id: 'L0123abcd', at: new Date().toISOString(), repo: rootCommit, kind: 'api' };
    await writeFile(
      path.join(learn, 'lessons.jsonl'),
      `${JSON.stringify({ ...lesson, areas: [], source: 'check', text: 'test failed: add the test first', files: [] })}\n`,
    );
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\n${POLICY}routing: { pool: [sim] }\nworkers:\n  - { name: a, agent: auto, kind: api, branch: feat, task: x }\n  - { name: b, kind: api, branch: feat/x, task: y }\n`,
    );
    await refusedBeforeAnythingIsMade(
      root,
      project,
      /Branch "feat\/x" of worker "b" cannot exist beside branch "feat"/,
      {
        CZAR_LEARN_DIR: learn,
      },
    );
  });

  test('an agent command that is missing or not executable', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    const plain = path.join(root, 'not-executable');
    await writeFile(plain, '#!/bin/sh\n');
    await chmod(plain, 0o644);
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagents:\n  ghost: { command: /nonexistent/agent }\n  plain: { command: ${plain} }\n${POLICY}workers:\n  - { name: a, agent: ghost, task: x }\n  - { name: b, agent: plain, task: y }\n`,
    );
    await refusedBeforeAnythingIsMade(
      root,
      project,
      /The command "\/nonexistent\/agent" of agent "ghost" \(worker "a"\) is not an executable file/,
    );
    expect((await czar(['up', '--dry-run'], { cwd: root })).stdout).toContain(
      `The command "${plain}" of agent "plain" (worker "b") is not an executable file`,
    );
  });

  test("a project name too long for tmux's socket path, and worktrees: naming a file", async () => {
    const { root } = await tempRepo();
    // The longest project name, under a long TMUX_TMPDIR.
    const project = `p${'x'.repeat(63)}`;
    await writeFleetConfig(root, project, `repo: repo\nagent: sim\n${POLICY}workers:\n  - { name: a, task: x }\n`);
    await refusedBeforeAnythingIsMade(
      root,
      project,
      /The project name "px+" makes the tmux socket path .* bytes long/,
      { TMUX_TMPDIR: path.join(root, 'd'.repeat(40)) },
    );

    const other = await tempRepo();
    await writeFile(path.join(other.root, 'afile'), 'not a folder\n');
    const shortProject = uniqueProject();
    await writeFleetConfig(
      other.root,
      shortProject,
      `repo: repo\nagent: sim\nworktrees: afile\n${POLICY}workers:\n  - { name: a, task: x }\n`,
    );
    const dry = await czar(['up', '--dry-run'], { cwd: other.root });
    expect(dry.exitCode).toBe(1);
    expect(dry.stdout).toContain(`worktrees: names ${path.join(other.root, 'afile')}, which is a file`);
  });

  test('after an agent that exits at once, fixing the config and running up again starts it in its worktree', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    const file = await writeFleetConfig(
      root,
      project,
      `repo: repo\nagents:\n  broken: { command: /bin/false, args: [x] }\n${POLICY}workers:\n  - { name: a, agent: broken, task: "Work.\\n@sim work 600 long" }\n`,
    );
    const first = await czar(['up', '--detach'], { cwd: root });
    expect(first.exitCode).toBe(1);
    await writeFile(
      file,
      `project: ${project}\nrepo: repo\nagent: sim\n${POLICY}workers:\n  - { name: a, task: "Work.\\n@sim work 600 long" }\n`,
    );
    const again = await czar(['up', '--detach'], { cwd: root });
    expect(again.stderr).toBe('');
    expect(again.exitCode).toBe(0);
    const cwds = await waitFor(
      async () => {
        const found = await agentCwds(`czar-${project}`);
        return found.has('a') ? found : undefined;
      },
      { what: 'agent a' },
    );
    expect(cwds.get('a')).toBe(path.join(root, 'repo-workers', 'a'));
  });
});
