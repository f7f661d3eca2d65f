import { mkdir, readFile, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { acquireLock } from '../../src/adapters/lock-file.js';
import { cleanEnv } from '../../src/adapters/process.js';
import { CZAR_BIN, czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const FLEET =
  'repo: repo\nagent: sim\npolicy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\nworkers:\n  - name: one\n    task: "Work.\\n@sim work 600 long"\n';

describe('launch races', () => {
  test('up --detach returns only when the czar answers requests', async () => {
    const { root } = await tempRepo();
    await writeFleetConfig(root, uniqueProject(), FLEET);
    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode, up.stderr).toBe(0);
    const pause = await czar(['pause', 'one'], { cwd: root });
    expect(pause.stderr).toBe('');
    expect(pause.stdout).toBe('autonomy paused for one');
    expect(pause.exitCode).toBe(0);
  });

  test('two ups at once: one launches, the other waits for it and then adopts, and neither fails', async () => {
    const { root } = await tempRepo();
    await writeFleetConfig(root, uniqueProject(), FLEET);
    const [first, second] = await Promise.all([
      czar(['up', '--detach'], { cwd: root }),
      czar(['up', '--detach'], { cwd: root }),
    ]);
    expect([first.exitCode, second.exitCode], `${first.stderr}\n${second.stderr}`).toEqual([0, 0]);
    const events = (await readFile(path.join(root, '.czar', 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string });
    expect(events.filter((event) => event.kind === 'session_started')).toHaveLength(1);
    expect(events.filter((event) => event.kind === 'task_delivered')).toHaveLength(1);
    expect(`${first.stdout}\n${second.stdout}`).toMatch(/the fleet is up: the czar \(pid \d+\) supervises it/);
  });

  test('an up that finds a half-made worktree while another up holds the lock waits for it instead of failing', async () => {
    const { root } = await tempRepo();
    await writeFleetConfig(root, uniqueProject(), FLEET);
    // The other up, caught inside "git worktree add": its folder is there, git does not list it yet.
    const release = await acquireLock(path.join(root, '.czar', 'up.lock'), { timeoutMs: 0, what: 'this test' });
    const halfMade = path.join(root, 'repo-workers', 'one');
    await mkdir(halfMade, { recursive: true });
    const up = execa(process.execPath, [CZAR_BIN, 'up', '--detach'], {
      cwd: root,
      env: cleanEnv(),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    });
    let output = '';
    up.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    up.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await waitFor(() => output.includes('waiting for another "czar up"') || up.exitCode !== null, {
      timeoutMs: 30_000,
      what: 'up to wait or end',
    });
    expect(output).toContain('waiting for another "czar up"');
    await rmdir(halfMade);
    await release();
    const result = await up;
    expect(result.exitCode, output).toBe(0);
    expect(output).toMatch(/worktree \S+ on czar\/one \(new, from/);
  });

  test('twenty workers launched at once, twice over, leave the tmux server running with every task delivered', async () => {
    // Each worker's agent runs czar commands while the others start: an attach of a control client at such a moment
    // crashed tmux 3.3a in three launches of five (two rounds miss such a crash one time in six).
    const workers = Array.from(
      { length: 20 },
      (_, i) => `  - name: w${i}\n    task: "Work.\\n@sim work 2\\n@sim quiet"\n`,
    ).join('');
    for (let round = 0; round < 2; round++) {
      const { root } = await tempRepo();
      const project = uniqueProject();
      await writeFleetConfig(
        root,
        project,
        `repo: repo\nagent: sim\npolicy: { launch_concurrency: 20, max_active: 20, bonus: off }\nworkers:\n${workers}`,
      );
      const up = await czar(['up', '--detach'], { cwd: root });
      expect(up.stderr).toBe('');
      expect(up.exitCode).toBe(0);
      const events = await readFile(path.join(root, '.czar', 'events.jsonl'), 'utf8');
      expect(events.match(/"kind":"task_delivered"/g)).toHaveLength(20);
      const sessions = await execa('tmux', ['-L', `czar-${project}`, 'list-sessions', '-F', '#{session_name}'], {
        env: cleanEnv(),
        extendEnv: false,
      });
      expect(sessions.stdout.split('\n')).toHaveLength(21);
    }
  });
});
