/**
 * End to end with real tmux, git and sim agents: no agent ever runs anywhere but its own worktree, whatever path
 * leads to starting it (a person's restart of a queued worker, a worktree folder deleted by hand).
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import type { FleetStatus } from '../../src/domain/status/status-schema.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';
import { agentCwds } from '../helpers/panes.js';
import { waitFor } from '../helpers/wait.js';

const QUIET_POLICY = 'policy:\n  idle_after: 10m\n  stuck_after: 20m\n  restart: { max: 0 }\n  bonus: off\n';

async function status(root: string): Promise<FleetStatus | undefined> {
  const text = await readFile(path.join(root, '.czar', 'status.json'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as FleetStatus);
}

describe('no agent runs outside its own worktree', () => {
  test('restart, send and bonus on a worker waiting for a dependency say so, start nothing and keep the bonus queued', async () => {
    const { root, repo } = await tempRepo();
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      [
        'repo: repo',
        'agent: sim',
        QUIET_POLICY,
        'workers:',
        '  - name: first',
        '    task: "Long work.\\n@sim work 600 the long part"',
        '  - name: later',
        '    depends_on: [first]',
        '    task: "Later work.\\n@sim write later.txt oops\\n@sim commit later work"',
        'bonus:',
        '  - name: extra',
        '    task: Extra work.',
        '',
      ].join('\n'),
    );
    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode, up.stderr).toBe(0);
    await waitFor(async () => (await status(root))?.supervisor !== undefined, { what: 'the czar to write status' });

    for (const command of [
      ['restart', 'later'],
      ['send', 'later', 'hello'],
      ['bonus', 'later'],
    ]) {
      const result = await czar(command, { cwd: root });
      expect(result.exitCode, `czar ${command.join(' ')}`).not.toBe(0);
      expect(result.stderr).toMatch(/^czar: Worker "later" has not started yet: it waits for first/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    const tmux = new Tmux(`czar-${project}`);
    expect((await tmux.listSessions()).sort()).toEqual(['czar', 'first']);
    expect(existsSync(path.join(repo, 'later.txt'))).toBe(false);
    expect(await gitIn(repo, ['log', '--format=%s', 'main'])).toBe('initial');
    const after = await waitFor(async () => status(root), { what: 'status' });
    expect(after.queue.map((task) => task.id)).toEqual(['extra']);
    expect(after.workers.find((worker) => worker.name === 'later')?.state).toBe('queued');
  });

  test('a worktree folder deleted by hand is made again on its branch, and the agent starts there, not in the main checkout', async () => {
    const { root, repo } = await tempRepo();
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\n${QUIET_POLICY}workers:\n  - name: solo\n    task: "Work.\\n@sim work 600 the long part"\n`,
    );
    const worktree = path.join(root, 'repo-workers', 'solo');
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    await gitIn(worktree, ['commit', '--allow-empty', '-m', 'solo work']);
    expect((await czar(['down'], { cwd: root })).exitCode).toBe(0);
    await rm(worktree, { recursive: true, force: true });

    const dry = await czar(['up', '--dry-run'], { cwd: root });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).not.toContain('reuse worktree');
    expect(dry.stdout).toMatch(/solo: czar\/solo \(worktree folder is missing: made again on the existing branch\)/);

    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode, up.stderr).toBe(0);
    const cwds = await waitFor(
      async () => {
        const found = await agentCwds(`czar-${project}`);
        return found.has('solo') ? found : undefined;
      },
      { what: 'the solo agent' },
    );
    expect(cwds.get('solo')).toBe(worktree);
    expect(await gitIn(worktree, ['symbolic-ref', '--short', 'HEAD'])).toBe('czar/solo');
    expect(await gitIn(repo, ['log', '--format=%s', 'czar/solo'])).toBe('solo work\ninitial');
  });
});
