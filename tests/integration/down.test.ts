import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { cleanEnv } from '../../src/adapters/process.js';
import { Tmux } from '../../src/adapters/tmux.js';
import { CZAR_BIN, czar, deleteStateDir, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { PACKAGE_ROOT } from '../helpers/fleet-fixture.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';
import { alive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

const FLEET =
  'repo: repo\nagent: sim\npolicy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\nworkers:\n  - name: one\n    task: "Work.\\n@sim work 600 long"\n';

describe('czar down', () => {
  test('with .czar/ deleted it still stops the whole fleet, and keeps the work', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    await writeFleetConfig(root, project, FLEET);
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    await deleteStateDir(path.join(root, '.czar'));

    const down = await czar(['down'], { cwd: root });
    expect(down.stderr).toBe('');
    expect(down.exitCode).toBe(0);
    expect(down.stdout).toContain('stopped 2 session(s)');
    expect(await new Tmux(`czar-${project}`).serverRunning()).toBe(false);
    expect(existsSync(path.join(root, 'repo-workers', 'one'))).toBe(true);
  });
});

describe('czar down, the czar', () => {
  test('is gone when down returns: nothing it writes while it stops lands after down (or after a purge)', async () => {
    const { root } = await tempRepo();
    await writeFleetConfig(root, uniqueProject(), FLEET);
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    const pid = await waitFor(
      async () =>
        (
          JSON.parse(await readFile(path.join(root, '.czar', 'status.json'), 'utf8')) as {
            supervisor?: { pid: number };
          }
        ).supervisor?.pid,
      { what: "the czar's pid in status.json" },
    );
    const down = await czar(['down'], { cwd: root });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await alive(pid)).toBe(false);
    expect((await readdir(path.join(root, '.czar'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('czar down, the agents', () => {
  test('are stopped after the czar: none is logged as crashed, and the last status has each as it was', async () => {
    const { root } = await tempRepo();
    const names = ['one', 'two', 'three', 'four'];
    await writeFleetConfig(
      root,
      uniqueProject(),
      `repo: repo\nagent: sim\npolicy: { bonus: off, idle_after: 10m, restart: { max: 2 } }\nworkers:\n${names
        .map((name) => `  - name: ${name}\n    task: "Work.\\n@sim report working 10 long\\n@sim work 600 long"\n`)
        .join('')}`,
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    const status = async () =>
      JSON.parse(await readFile(path.join(root, '.czar', 'status.json'), 'utf8')) as {
        workers: { name: string; state: string }[];
      };
    await waitFor(async () => (await status()).workers.every((worker) => worker.state === 'working') || undefined, {
      what: 'every worker to be working',
    });

    const down = await czar(['down'], { cwd: root });
    expect(down.exitCode, down.stderr).toBe(0);
    const events = await readFile(path.join(root, '.czar', 'events.jsonl'), 'utf8');
    expect(events.split('\n').filter((line) => line.includes('crashed'))).toEqual([]);
    expect((await status()).workers.map((worker) => `${worker.name} ${worker.state}`)).toEqual(
      names.map((name) => `${name} working`),
    );
  });
});

describe('czar down --purge', () => {
  test('a complete purge removes the state czar keeps, so the next up starts a clean sprint', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      'repo: repo\nagent: sim\npolicy: { bonus: off, restart: { max: 0 } }\nworkers:\n  - name: one\n    task: "Work.\\n@sim write one.txt one\\n@sim commit one work\\n@sim done"\n',
    );
    const state = path.join(root, '.czar');
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    await waitFor(async () => (await readFile(path.join(state, 'events.jsonl'), 'utf8')).includes('"sprint_over"'), {
      timeoutMs: 30_000,
      what: 'the sprint to end',
    });
    // The czar merges the finished branch into its integration branch right after: the purge comes after that.
    await waitFor(async () => (await readFile(path.join(state, 'events.jsonl'), 'utf8')).includes('"integrated"'), {
      timeoutMs: 30_000,
      what: 'the branch to be integrated',
    });
    await writeFile(path.join(state, 'mine.txt'), 'a file czar did not write\n');

    const purge = await czar(['down', '--purge', '--force'], { cwd: root });
    expect(purge.exitCode, purge.stderr).toBe(0);
    expect(await readdir(state)).toEqual(['mine.txt']);
    // czar's integration branch and its scratch worktrees went too: the next sprint can make them again.
    const repo = path.join(root, 'repo');
    expect((await gitIn(repo, ['branch', '--list', 'czar/integration'])).trim()).toBe('');
    expect(await gitIn(repo, ['worktree', 'list', '--porcelain'])).not.toContain(state);

    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    const events = (await readFile(path.join(state, 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string });
    expect(events.filter((event) => event.kind === 'task_delivered')).toHaveLength(1);
    // The log starts with this sprint: nothing of the last one (its end, its stop) is read as this sprint's.
    expect(events.some((event) => event.kind === 'fleet_down')).toBe(false);
    const over = events.findIndex((event) => event.kind === 'sprint_over');
    expect(over === -1 || over > events.findIndex((event) => event.kind === 'task_delivered')).toBe(true);
  });
});

describe("czar down from a pane of the fleet's own tmux server", () => {
  test('stops the whole fleet (it no longer kills itself first); --purge refuses there with one sentence', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    const config = await writeFleetConfig(root, project, FLEET);
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    const tmux = new Tmux(`czar-${project}`);
    const inServer = (name: string, args: string[]) =>
      tmux.newSession({
        name,
        cwd: root,
        argv: [process.execPath, CZAR_BIN, ...args, '-c', config],
        env: { PATH: process.env.PATH ?? '' },
        width: 500,
      });

    const purgePane = await inServer('person-purge', ['down', '--purge', '--force']);
    const said = await waitFor(
      async () =>
        (await tmux.listPanes()).find((pane) => pane.paneId === purgePane)?.dead === true
          ? tmux.capture(purgePane, { history: 100 })
          : undefined,
      { timeoutMs: 20_000, what: 'the purge in the pane to end' },
    );
    expect(said).toContain(
      `czar: "czar down --purge" runs in a pane of the fleet's own tmux server "czar-${project}", which it would stop before it could say what it removed or kept; run it from a terminal outside that server (detach with Ctrl-b d first).`,
    );
    expect(await tmux.serverRunning()).toBe(true);
    expect(existsSync(path.join(root, 'repo-workers', 'one'))).toBe(true);

    await inServer('person', ['down']);
    await waitFor(async () => !(await tmux.serverRunning()), { timeoutMs: 20_000, what: 'the fleet server to stop' });
    // The `czar down` outside the server logs the stop after the server is gone, and after its door: not at once.
    await waitFor(
      async () => (await readFile(path.join(root, '.czar', 'events.jsonl'), 'utf8')).includes('"fleet_down"'),
      { what: 'the fleet_down event' },
    );
    expect(existsSync(path.join(root, 'repo-workers', 'one'))).toBe(true);
  });
});

describe('czar down during a launch', () => {
  test('waits for the "czar up" still launching, says so, and leaves nothing of that launch running', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    const sim = path.join(PACKAGE_ROOT, 'bin', 'czar-sim-agent.js');
    // One agent at a time, each 3 s to start: the launch is still going when down comes.
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\nagents:\n  sim: { args: ["${sim}", --startup-ms, "3000"] }\npolicy: { bonus: off, idle_after: 10m, launch_concurrency: 1 }\nworkers:\n${['a', 'b', 'c'].map((name) => `  - name: ${name}\n    task: "Work.\\n@sim work 600 long"\n`).join('')}`,
    );
    const up = execa(process.execPath, [CZAR_BIN, 'up', '--detach'], {
      cwd: root,
      env: cleanEnv(),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    });
    const tmux = new Tmux(`czar-${project}`);
    await waitFor(async () => (await tmux.serverRunning()) && (await tmux.listSessions()).length > 0, {
      timeoutMs: 30_000,
      what: 'the launch made its first session',
    });

    const down = await czar(['down'], { cwd: root });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout).toMatch(
      /^waiting for the "czar up" launching the fleet \(pid \d+, since .+\) to finish; then everything it started is stopped$/m,
    );
    expect(down.stdout).toContain('stopped 4 session(s)');
    expect((await up).exitCode).toBe(0);
    expect(await tmux.serverRunning()).toBe(false);
  });
});
