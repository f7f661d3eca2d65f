import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { gitIn, tempDir, tempRepo } from '../helpers/git-repo.js';

const failed = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('✗'));

describe('czar doctor', () => {
  test('a config error is printed once and exits 2, as czar up does', async () => {
    const { root } = await tempRepo();
    await writeFleetConfig(root, uniqueProject(), 'repo: repo\nagent: sim\nworkres: []\n');
    const doctor = await czar(['doctor'], { cwd: root });
    const up = await czar(['up', '--dry-run'], { cwd: root });
    expect(up.exitCode).toBe(2);
    expect(doctor.exitCode).toBe(2);
    const first = up.stderr.split('\n')[0]?.replace(/^czar: /, '');
    expect(first).toMatch(/unknown key "workres"; did you mean "workers"\?/);
    expect(doctor.stdout.split(first ?? '').length - 1).toBe(1);
  });

  test('a repository with no commits fails, as it does for czar up', async () => {
    const dir = await tempDir();
    await gitIn(dir, ['init', '--quiet', '--initial-branch=main']);
    await writeFleetConfig(dir, uniqueProject(), 'agent: sim\nworkers:\n  - { name: api, task: Build it. }\n');
    const doctor = await czar(['doctor'], { cwd: dir });
    expect(failed(doctor.stdout)).toEqual([
      `✗ czar.yaml:1:1: ${dir} has no commits yet, so there is nothing for workers to start from; commit something first, e.g. git commit --allow-empty -m "Start".`,
    ]);
    expect(doctor.exitCode).toBe(2);
  });

  test('runs the launch plan checks czar up --dry-run runs, and checks notify: and agent paths', async () => {
    const { root, repo } = await tempRepo();
    await writeFile(path.join(root, 'agent.sh'), '#!/bin/sh\n');
    await mkdir(path.join(root, 'hooks'));
    // A branch checked out elsewhere (base itself is refused when the config loads, before any plan).
    const elsewhere = path.join(root, 'elsewhere');
    await gitIn(repo, ['worktree', 'add', '--quiet', '-b', 'feat', elsewhere]);
    await writeFleetConfig(
      root,
      uniqueProject(),
      'repo: repo\nagent: mine\nagents:\n  mine: { command: ./agent.sh, preset: shell }\nworkers:\n  - { name: api, task: Build it., branch: feat }\nnotify: { command: ./hooks/notify.sh }\n',
    );
    const up = await czar(['up', '--dry-run'], { cwd: root });
    const planProblems = up.stdout
      .split('\n')
      .filter((line) => line.startsWith('  problem: '))
      .map((line) => line.replace('  problem: ', ''));
    expect(planProblems).toContain(
      `Branch "feat" of worker "api" is already checked out at ${elsewhere}; switch that checkout to another branch or give the worker another "branch:".`,
    );

    const doctor = await czar(['doctor'], { cwd: root });
    expect(failed(doctor.stdout)).toEqual([
      `✗ agent "mine" (a plain shell: gets only its own task, none of czar's messages): ${path.join(root, 'agent.sh')} is not executable; run chmod +x ${path.join(root, 'agent.sh')}, or set agents.mine.command in ${path.join(root, 'czar.yaml')}.`,
      `✗ notify: ${path.join(root, 'hooks', 'notify.sh')} does not exist; create it, or fix notify.command in ${path.join(root, 'czar.yaml')}.`,
      ...planProblems.map((problem) => `✗ launch plan: ${problem}`),
    ]);
    expect(doctor.exitCode).toBe(1);

    await chmod(path.join(root, 'agent.sh'), 0o755);
    await writeFile(path.join(root, 'hooks', 'notify.sh'), '#!/bin/sh\ncat\n', { mode: 0o755 });
    await writeFleetConfig(
      root,
      uniqueProject(),
      'repo: repo\nagent: mine\nagents:\n  mine: { command: ./agent.sh, preset: shell }\n  bot: { command: ./agent.sh }\nworkers:\n  - { name: api, task: Build it. }\n  - { name: web, task: Build it., agent: bot }\nnotify: { command: ./hooks/notify.sh }\n',
    );
    const healthy = await czar(['doctor'], { cwd: root });
    expect(failed(healthy.stdout)).toEqual([]);
    // Which kind each agent is: a program czar has no preset for gets czar's messages, a shell only its own task.
    const agent = path.join(root, 'agent.sh');
    expect(healthy.stdout).toContain(
      `✓ agent "mine" (a plain shell: gets only its own task, none of czar's messages): ${agent}`,
    );
    expect(healthy.stdout).toContain(
      `✓ agent "bot" (a custom agent: gets czar's messages, ready when its screen keeps still): ${agent}`,
    );
    const dry = await czar(['up', '--dry-run'], { cwd: root });
    expect(dry.stdout).toContain(`· start ${agent} (a plain shell: gets only its own task, none of czar's messages) ·`);
    expect(dry.stdout).toContain(
      `· start ${agent} (a custom agent: gets czar's messages, ready when its screen keeps still) ·`,
    );
    expect(healthy.stdout).toContain(`✓ notify: ${path.join(root, 'hooks', 'notify.sh')}`);
    expect(healthy.stdout).toContain(
      '✓ launch plan: 2 worker(s) ready to launch; czar sets CZAR_PROJECT, CZAR_WORKER, CZAR_STATE_DIR, CZAR_CONFIG and CZAR_WORKER_PROOF for each agent, and puts its own bin folder first on PATH',
    );
    expect(healthy.exitCode).toBe(0);
  });

  test('warns that "git clean -fdx" deletes a state dir inside the repository, and says none for one outside', async () => {
    const { root, repo } = await tempRepo();
    await writeFleetConfig(repo, uniqueProject(), 'agent: sim\nworkers:\n  - { name: api, task: Build it. }\n');
    const inside = await czar(['doctor'], { cwd: repo });
    expect(inside.stdout).toContain(
      `✓ state dir ${path.join(repo, '.czar')}: warning: "git clean -fdx" (or -X) in ${repo} deletes it with the fleet's launch records, as git ignores it; clean with "git clean -fd", which keeps ignored files. Should it be lost, "czar up" adopts the running agents and does not paste their tasks again.`,
    );
    expect(inside.exitCode).toBe(0);
    await writeFleetConfig(
      root,
      uniqueProject(),
      'repo: repo\nagent: sim\nworkers:\n  - { name: api, task: Build it. }\n',
    );
    expect((await czar(['doctor'], { cwd: root })).stdout).not.toContain('git clean');
  });

  test('tells of an agent it can install: the npm package when missing, else its version and what it needs to sign in', async () => {
    const { root } = await tempRepo();
    const config = (command: string): string =>
      `repo: repo\nagent: copilot\nagents:\n  copilot: { command: ${command} }\nworkers:\n  - { name: api, task: Build it. }\n`;
    await writeFleetConfig(root, uniqueProject(), config('czar-no-such-copilot'));
    const missing = await czar(['doctor'], { cwd: root });
    expect(failed(missing.stdout)).toContain(
      `✗ agent "copilot": command "czar-no-such-copilot" is not on PATH; install it (npm install -g @github/copilot@1.0.102), or set agents.copilot.command in ${path.join(root, 'czar.yaml')}.`,
    );
    // A stand-in that prints what GitHub Copilot CLI 1.0.102 prints for --version, and a control character.
    await writeFile(
      path.join(root, 'copilot.sh'),
      "#!/bin/sh\nprintf 'GitHub Copilot CLI 1.0.102.\\033[2J\\nRun copilot update to check for updates.\\n'\n",
      { mode: 0o755 },
    );
    await writeFleetConfig(root, uniqueProject(), config('./copilot.sh'));
    const found = await czar(['doctor'], { cwd: root });
    const line = found.stdout.split('\n').find((text) => text.includes('agent "copilot": version'));
    expect(line).toMatch(
      /^✓ agent "copilot": version "GitHub Copilot CLI 1\.0\.102\.\S+\[2J" \(czar was checked with 1\.0\.102\); it needs a GitHub account with Copilot/,
    );
    expect(line).not.toContain('\u001b');
  });

  test('tells of Auggie: its npm package when missing, else its version and how it signs in', async () => {
    const { root } = await tempRepo();
    const config = (command: string): string =>
      `repo: repo\nagent: auggie\nagents:\n  auggie: { command: ${command} }\nworkers:\n  - { name: api, task: Build it. }\n`;
    await writeFleetConfig(root, uniqueProject(), config('czar-no-such-auggie'));
    expect(failed((await czar(['doctor'], { cwd: root })).stdout)).toContain(
      `✗ agent "auggie": command "czar-no-such-auggie" is not on PATH; install it (npm install -g @augmentcode/auggie@0.36.0), or set agents.auggie.command in ${path.join(root, 'czar.yaml')}.`,
    );
    // A stand-in that prints what Auggie 0.36.0 prints for --version.
    await writeFile(path.join(root, 'auggie.sh'), "#!/bin/sh\necho '0.36.0 (commit 7c61e5bb)'\n", { mode: 0o755 });
    await writeFleetConfig(root, uniqueProject(), config('./auggie.sh'));
    const line = (await czar(['doctor'], { cwd: root })).stdout
      .split('\n')
      .find((text) => text.includes('agent "auggie": version'));
    expect(line).toBe(
      '✓ agent "auggie": version "0.36.0 (commit 7c61e5bb)" (czar was checked with 0.36.0); it needs an Augment account: run "auggie login" once (or set AUGMENT_SESSION_AUTH to the session JSON "auggie token print" gives)',
    );
  });
});
