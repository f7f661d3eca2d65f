import { existsSync } from 'node:fs';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { neutraliseControls } from '../../src/domain/model/sanitize.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';
import { capturedFiles } from '../helpers/sim-captures.js';
import { waitFor } from '../helpers/wait.js';

/** Worker entries for czar.yaml; each sim agent saves what it receives into `captures`. */
function workersYaml(
  names: readonly string[],
  captures: string,
  task = (name: string) =>
    `Build ${name}.\n@sim work 0.2\n@sim write ${name}.txt made by ${name}\n@sim commit ${name} work\n@sim done`,
): string {
  return names
    .map(
      (name) =>
        `  - name: ${name}\n    env: { CZAR_SIM_CAPTURE_DIR: "${captures}" }\n    task: |\n${task(name)
          .split('\n')
          .map((line) => `      ${line}`)
          .join('\n')}\n`,
    )
    .join('');
}

describe('czar up', () => {
  test('launches a fleet of three: one session, worktree and branch each, with the whole task pasted and submitted', async () => {
    const { root, repo } = await tempRepo();
    const captures = path.join(root, 'captures');
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\nworkers:\n${workersYaml(['api', 'models', 'web'], captures)}`,
    );

    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.stderr).toBe('');
    expect(up.exitCode).toBe(0);

    const tmux = new Tmux(`czar-${project}`);
    expect((await tmux.listSessions()).sort()).toEqual(['api', 'czar', 'models', 'web']);
    const worktrees = await gitIn(repo, ['worktree', 'list', '--porcelain']);
    for (const name of ['api', 'models', 'web']) {
      expect(worktrees).toContain(`worktree ${path.join(root, 'repo-workers', name)}\n`);
      expect(worktrees).toContain(`branch refs/heads/czar/${name}\n`);
    }
    // `--detach` returns once every task is delivered: each agent already holds its whole prompt.
    expect(await capturedFiles(captures)).toEqual(['api-1.txt', 'models-1.txt', 'web-1.txt']);
    const prompt = await readFile(path.join(captures, 'models-1.txt'), 'utf8');
    expect(prompt).toContain('You are worker models in project');
    expect(
      prompt.endsWith(
        'Build models.\n@sim work 0.2\n@sim write models.txt made by models\n@sim commit models work\n@sim done',
      ),
    ).toBe(true);
    // Each agent works in its own worktree on its own branch and commits there.
    await waitFor(async () => (await gitIn(repo, ['log', '--format=%s', 'main..czar/web'])).includes('web work'), {
      timeoutMs: 20_000,
      what: 'web commit',
    });
    expect(existsSync(path.join(root, 'repo-workers', 'web', 'web.txt'))).toBe(true);
    expect(existsSync(path.join(repo, 'web.txt'))).toBe(false);
    // The state dir is private and excluded from git everywhere.
    expect((await stat(path.join(root, '.czar'))).mode & 0o777).toBe(0o700);
  });

  test('a 200 KB task full of shell syntax and control bytes arrives byte-exact, submits once and runs nothing', async () => {
    const { root } = await tempRepo();
    const captures = path.join(root, 'captures');
    const pwned = path.join(root, 'pwned');
    const nasty = [
      `echo "$(touch ${pwned})" \`touch ${pwned}\` ; rm -rf / ; $HOME \${PATH} 'single' "double" \\back\\slash`,
      'line with an early paste end: \u001b[201~',
      `touch ${pwned}`,
      'tabs\there, CRLF\r\nbare CR\rand unicode: 日本語 🧑‍💻 é ﬁ',
      'a bell \u0007 a null-ish \u0001 a DEL \u007f and 8-bit CSI \u009b2J',
      '#{session_name} %s %n {{worker}} $& ;',
    ].join('\n');
    let task = '';
    while (Buffer.byteLength(task) < 200_000) task += `${nasty}\n`;
    const taskFile = path.join(root, 'task.md');
    await writeFile(taskFile, task);
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\ntask_files_outside_repo: true\nworkers:\n  - name: big\n    env: { CZAR_SIM_CAPTURE_DIR: "${captures}" }\n    task_file: task.md\n`,
    );

    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode, up.stderr).toBe(0);

    expect(await capturedFiles(captures)).toEqual(['big-1.txt']);
    const received = await readFile(path.join(captures, 'big-1.txt'), 'utf8');
    // The task is the end of the prompt, whole; only control bytes are shown as their symbols (and the config
    // loader trims trailing white space off a task).
    expect(received.endsWith(neutraliseControls(task.trimEnd()))).toBe(true);
    expect(received).not.toContain('\u001b');
    expect(existsSync(pwned)).toBe(false);
  });

  test('running up twice adopts the running fleet and delivers nothing twice', async () => {
    const { root } = await tempRepo();
    const captures = path.join(root, 'captures');
    const project = uniqueProject();
    await writeFleetConfig(root, project, `repo: repo\nagent: sim\nworkers:\n${workersYaml(['one', 'two'], captures)}`);
    const first = await czar(['up', '--detach'], { cwd: root });
    expect(first.exitCode, first.stderr).toBe(0);
    const second = await czar(['up', '--detach'], { cwd: root });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(await capturedFiles(captures)).toEqual(['one-1.txt', 'two-1.txt']);
    const events = (await readFile(path.join(root, '.czar', 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string });
    expect(events.filter((event) => event.kind === 'task_delivered')).toHaveLength(2);
    expect(events.filter((event) => event.kind === 'session_started')).toHaveLength(2);
    expect((await new Tmux(`czar-${project}`).listSessions()).sort()).toEqual(['czar', 'one', 'two']);
  });

  test('up on a running fleet only adopts; after the config changes it restarts the czar and launches what is new', async () => {
    const { root } = await tempRepo();
    const captures = path.join(root, 'captures');
    const project = uniqueProject();
    const file = await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\nworkers:\n${workersYaml(['one'], captures)}`,
    );
    const first = await czar(['up', '--detach'], { cwd: root });
    expect(first.exitCode, first.stderr).toBe(0);
    const lock = path.join(root, '.czar', 'supervisor.pid');
    const firstCzar = await waitFor(
      async () => (existsSync(lock) ? (JSON.parse(await readFile(lock, 'utf8')) as { pid: number }).pid : undefined),
      { what: 'the czar to start' },
    );

    const again = await czar(['up', '--detach'], { cwd: root });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain(`the fleet is up: the czar (pid ${firstCzar}) supervises it`);

    await writeFile(file, `${await readFile(file, 'utf8')}${workersYaml(['two'], captures)}`);
    const changed = await czar(['up', '--detach'], { cwd: root });
    expect(changed.exitCode, changed.stderr).toBe(0);
    expect(await capturedFiles(captures)).toEqual(['one-1.txt', 'two-1.txt']);
    const secondCzar = await waitFor(
      async () => {
        const pid = existsSync(lock) ? (JSON.parse(await readFile(lock, 'utf8')) as { pid: number }).pid : undefined;
        return pid !== undefined && pid !== firstCzar ? pid : undefined;
      },
      { what: 'a new czar' },
    );
    expect(secondCzar).not.toBe(firstCzar);
    const kinds = (await readFile(path.join(root, '.czar', 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; worker?: string });
    expect(kinds.filter((event) => event.kind === 'czar_reload')).toHaveLength(1);
    expect(kinds.filter((event) => event.kind === 'task_delivered').map((event) => event.worker)).toEqual([
      'one',
      'two',
    ]);
  });

  test('up does not call the fleet up while the running czar supervises another base than the config names', async () => {
    const { root, repo } = await tempRepo();
    await gitIn(repo, ['branch', 'trunk', 'main']);
    const captures = path.join(root, 'captures');
    const project = uniqueProject();
    const file = await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\nbase: main\nworkers:\n${workersYaml(['one'], captures)}`,
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    const lock = path.join(root, '.czar', 'supervisor.pid');
    const firstCzar = await waitFor(
      async () => (existsSync(lock) ? (JSON.parse(await readFile(lock, 'utf8')) as { pid: number }).pid : undefined),
      { what: 'the czar to start' },
    );
    const statusFile = path.join(root, '.czar', 'status.json');
    await waitFor(
      async () =>
        existsSync(statusFile)
          ? (JSON.parse(await readFile(statusFile, 'utf8')) as { base: string }).base === 'main'
          : undefined,
      { what: 'status from the first czar' },
    );

    // The base renamed in the config, with a modification time that does not show it (a copy that kept its time).
    await writeFile(file, (await readFile(file, 'utf8')).replace('base: main', 'base: trunk'));
    await utimes(file, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    const again = await czar(['up', '--detach'], { cwd: root });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('the fleet is up');
    await waitFor(
      async () => {
        const pid = existsSync(lock) ? (JSON.parse(await readFile(lock, 'utf8')) as { pid: number }).pid : undefined;
        const base = existsSync(statusFile)
          ? (JSON.parse(await readFile(statusFile, 'utf8')) as { base: string; supervisor?: { pid: number } })
          : undefined;
        return pid !== undefined && pid !== firstCzar && base?.base === 'trunk' && base.supervisor?.pid === pid
          ? pid
          : undefined;
      },
      { what: 'a czar on base trunk' },
    );
  });

  test('down stops every session and keeps branches, worktrees and uncommitted work; purge refuses to lose work', async () => {
    const { root, repo } = await tempRepo();
    const captures = path.join(root, 'captures');
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\nworkers:\n${workersYaml(['keep'], captures, () => 'Think.\n@sim quiet')}`,
    );
    const first = await czar(['up', '--detach'], { cwd: root });
    expect(first.exitCode, first.stderr).toBe(0);
    const scratch = path.join(root, 'repo-workers', 'keep', 'uncommitted.txt');
    await writeFile(scratch, 'work in progress\n');

    const down = await czar(['down'], { cwd: root });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await new Tmux(`czar-${project}`).serverRunning()).toBe(false);
    expect(await readFile(scratch, 'utf8')).toBe('work in progress\n');
    expect(await gitIn(repo, ['branch', '--list', 'czar/keep'])).toContain('czar/keep');

    const purge = await czar(['down', '--purge'], { cwd: root });
    expect(purge.exitCode).toBe(1);
    expect(purge.stderr).toMatch(/keep: 1 uncommitted change/);
    expect(existsSync(scratch)).toBe(true);

    const forced = await czar(['down', '--purge', '--force'], { cwd: root });
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(existsSync(scratch)).toBe(false);
    expect(await gitIn(repo, ['branch', '--list', 'czar/keep'])).toBe('');
  });

  test('a bad config stops the launch with file:line and nothing is created', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    await writeFleetConfig(root, project, 'repo: repo\nagent: sim\nworker:\n  - name: a\n    task: x\n');
    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode).toBe(2);
    expect(up.stderr).toMatch(/czar\.yaml:4:1: unknown key "worker"; did you mean "workers"\?/);
    expect(existsSync(path.join(root, 'repo-workers'))).toBe(false);
    expect(await new Tmux(`czar-${project}`).serverRunning()).toBe(false);
  });

  test('a branch checked out elsewhere is refused before anything starts, naming both', async () => {
    const { root, repo } = await tempRepo();
    await gitIn(repo, ['worktree', 'add', '-b', 'czar/taken', path.join(root, 'elsewhere')]);
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      'repo: repo\nagent: sim\nworkers:\n  - name: free\n    task: x\n  - name: taken\n    task: y\n',
    );
    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain(
      `Branch "czar/taken" of worker "taken" is already checked out at ${path.join(root, 'elsewhere')}`,
    );
    expect(existsSync(path.join(root, 'repo-workers', 'free'))).toBe(false);
  });

  test('one worker failing to start does not stop the others, and the failure names it', async () => {
    const { root } = await tempRepo();
    const captures = path.join(root, 'captures');
    const project = uniqueProject();
    const broken = `  - name: broken\n    agent: nothere\n    task: x\n`;
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\nagents:\n  nothere: { command: /bin/false, args: [--x] }\nworkers:\n${workersYaml(['fine'], captures)}${broken}`,
    );
    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toMatch(
      /^czar: Worker "broken" has an agent that exited with status 1 before its task was delivered; .*\.$/m,
    );
    expect(await capturedFiles(captures)).toEqual(['fine-1.txt']);
  });

  test('--dry-run prints the plan and changes nothing', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      'repo: repo\nagent: sim\nworkers:\n  - name: a\n    task: x\n  - name: b\n    depends_on: [a]\n    task: y\n',
    );
    const dry = await czar(['up', '--dry-run'], { cwd: root });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/a: czar\/a \(new branch from main\) · start .* · paste task/);
    expect(dry.stdout).toMatch(/b: czar\/b .*\[queued: waits for a\]/);
    expect(existsSync(path.join(root, 'repo-workers'))).toBe(false);
    expect(existsSync(path.join(root, '.czar'))).toBe(false);
  });
});
