/**
 * End to end with real tmux, git and sim agents: `czar down --purge` removes only what czar created, as recorded at
 * launch, judges "merged" against base before anything is removed, and does not forget workers dropped from the config.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const POLICY = 'policy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\n';
const worker = (name: string, extra = '') => `  - name: ${name}\n${extra}    task: "Work.\\n@sim work 600 long"\n`;

async function branches(repo: string): Promise<string> {
  return gitIn(repo, ['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads']);
}

describe('czar down --purge', () => {
  test('never deletes a branch czar did not create (not base, not a branch given to a worker), even with --force', async () => {
    const { root, repo } = await tempRepo();
    await gitIn(repo, ['switch', '--quiet', '-c', 'feature']);
    await gitIn(repo, ['commit', '--quiet', '--allow-empty', '-m', 'only on feature']);
    await gitIn(repo, ['switch', '--quiet', '-c', 'dev']);
    await gitIn(repo, ['branch', '--quiet', '-f', 'feature', 'HEAD']);
    await gitIn(repo, ['reset', '--quiet', '--hard', 'main']);
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\nbase: main\n${POLICY}workers:\n${worker('given', '    branch: feature\n')}${worker('fresh')}`,
    );

    const dry = await czar(['up', '--dry-run'], { cwd: root });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/given: feature \(existing branch, not made by czar: --purge keeps it\)/);
    expect(dry.stdout).toMatch(/fresh: czar\/fresh \(new branch from main\)/);

    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    const before = await branches(repo);
    const purge = await czar(['down', '--purge', '--force'], { cwd: root });
    expect(purge.exitCode, purge.stderr).toBe(0);
    expect(purge.stdout).toContain('kept branch feature of given: czar did not create it');
    const after = await branches(repo);
    expect(after).toBe(
      before
        .split('\n')
        .filter((line) => !line.startsWith('czar/fresh '))
        .join('\n'),
    );
    expect(await gitIn(repo, ['log', '--format=%s', 'feature'])).toBe('only on feature\ninitial');
    for (const name of ['given', 'fresh']) expect(existsSync(path.join(root, 'repo-workers', name))).toBe(false);
  });

  test('a forged line in created.jsonl removes nothing of a person: each record must agree with the fleet and git', async () => {
    const { root, repo } = await tempRepo();
    await gitIn(repo, ['branch', '--quiet', 'other']);
    await gitIn(repo, ['branch', '--quiet', 'mine']);
    await gitIn(repo, ['switch', '--quiet', 'mine']);
    await gitIn(repo, ['commit', '--quiet', '--allow-empty', '-m', 'a person, unmerged']);
    await gitIn(repo, ['switch', '--quiet', 'main']);
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\nbase: main\n${POLICY}workers:\n${worker('fresh')}${worker('given', '    branch: mine\n')}`,
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    // An agent's lines: a person's branch as czar's own for fresh (whose branch is czar/fresh), and for given.
    const forge = (who: string, branch: string) =>
      `${JSON.stringify({ made: 'branch', worker: who, branch, worktree: path.join(root, 'repo-workers', who), at: new Date().toISOString() })}\n`;
    await writeFile(
      path.join(root, '.czar', 'created.jsonl'),
      `${await readFile(path.join(root, '.czar', 'created.jsonl'), 'utf8')}${forge('fresh', 'other')}${forge('given', 'mine')}`,
    );

    const purge = await czar(['down', '--purge', '--force'], { cwd: root });
    expect(purge.exitCode).toBe(1);
    expect(purge.stderr).toContain('says czar made branch other for fresh, whose branch is czar/fresh');
    expect(purge.stderr).toMatch(
      /says czar made branch mine for given, but the branch was made by "branch: Created from .*" according to its first reflog entry, not by czar/,
    );
    expect(await gitIn(repo, ['log', '--format=%s', 'mine'])).toBe('a person, unmerged\ninitial');
    expect(await gitIn(repo, ['rev-parse', '--verify', '--quiet', 'refs/heads/other'])).not.toBe('');
  });

  test('judges merged against base before removing anything, and keeps the worktree of work it will not drop', async () => {
    const { root, repo } = await tempRepo();
    await gitIn(repo, ['switch', '--quiet', '-c', 'dev']);
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\nbase: main\n${POLICY}workers:\n${worker('merged')}${worker('unmerged')}`,
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    for (const name of ['merged', 'unmerged'])
      await gitIn(path.join(root, 'repo-workers', name), ['commit', '--quiet', '--allow-empty', '-m', `${name} work`]);
    // Merged into base (main), which is not the branch checked out in the main checkout (dev).
    await gitIn(repo, ['branch', '--quiet', '-f', 'main', 'czar/merged']);

    const purge = await czar(['down', '--purge'], { cwd: root });
    expect(purge.exitCode).toBe(1);
    expect(purge.stdout).toContain('purged merged: removed worktree');
    expect(purge.stderr).toContain('unmerged: branch czar/unmerged has 1 commit(s) not in base "main"');
    expect(await gitIn(repo, ['branch', '--list', 'czar/merged'])).toBe('');
    expect(await gitIn(repo, ['log', '--format=%s', 'czar/unmerged'])).toBe('unmerged work\ninitial');
    expect(existsSync(path.join(root, 'repo-workers', 'unmerged'))).toBe(true);
  });

  test('counts a branch by its full name: a tag of the same name on base does not make its commits look merged', async () => {
    const { root, repo } = await tempRepo();
    await gitIn(repo, ['switch', '--quiet', '-c', 'dev']);
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\nbase: main\n${POLICY}workers:\n${worker('tagged', '    branch: v1\n')}`,
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    await gitIn(path.join(root, 'repo-workers', 'tagged'), ['commit', '--quiet', '--allow-empty', '-m', 'tagged work']);
    // A tag made after the launch, on base: "main..v1" would name the tag and count nothing.
    await gitIn(repo, ['tag', 'v1', 'main']);

    const purge = await czar(['down', '--purge'], { cwd: root });
    expect(purge.exitCode).toBe(1);
    expect(purge.stderr).toContain('tagged: branch v1 has 1 commit(s) not in base "main"');
    expect(await gitIn(repo, ['log', '--format=%s', 'refs/heads/v1'])).toBe('tagged work\ninitial');
  });

  test('remembers workers removed from the config, and does not report a worker that never had a branch', async () => {
    const { root, repo } = await tempRepo();
    const project = uniqueProject();
    const file = await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\n${POLICY}workers:\n${worker('stays')}${worker('dropped')}${worker('later', '    depends_on: [stays]\n')}`,
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    await writeFile(file, (await readFile(file, 'utf8')).replace(worker('dropped'), ''));
    // Nothing would supervise its agent any more: up stops it and keeps its work for purge.
    const again = await czar(['up', '--detach'], { cwd: root });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('stopped session "dropped": worker "dropped" is no longer in');
    expect((await new Tmux(`czar-${project}`).listSessions()).sort()).toEqual(['czar', 'stays']);
    expect(existsSync(path.join(root, 'repo-workers', 'dropped'))).toBe(true);

    const purge = await czar(['down', '--purge', '--force'], { cwd: root });
    expect(purge.exitCode, purge.stderr).toBe(0);
    expect(purge.stdout).toContain('purged dropped: removed worktree');
    expect(purge.stdout).not.toMatch(/purged later/);
    expect(await gitIn(repo, ['branch', '--list', 'czar/*'])).toBe('');
    expect(existsSync(path.join(root, 'repo-workers', 'dropped'))).toBe(false);
  });

  test('removes what czar made for a spawned child (worktree, branch, record) so the next sprint does not start it again', async () => {
    const { root, repo } = await tempRepo();
    const project = uniqueProject();
    // `\\n` in the YAML is a backslash-n the sim turns into the child's next task line.
    // The spawn is the parent's first step, taken before the czar that `up` starts last runs: it waits for that czar.
    const parent = `  - name: p\n    task: "Parent.\\n@sim spawn kid # Kid\\\\n@sim work 600 long\\n@sim work 600 long"\n`;
    await writeFleetConfig(root, project, `repo: repo\nagent: sim\n${POLICY}workers:\n${parent}`);
    await gitIn(repo, ['branch', 'mine']);
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    const childRecords = path.join(root, '.czar', 'children');
    await waitFor(
      async () =>
        existsSync(path.join(childRecords, 'kid.json')) &&
        (await gitIn(repo, ['worktree', 'list', '--porcelain'])).includes('refs/heads/czar/kid'),
      { timeoutMs: 60_000, what: "kid's worktree" },
    );

    const purge = await czar(['down', '--purge', '--force'], { cwd: root });
    expect(purge.exitCode, purge.stderr).toBe(0);
    expect(purge.stdout).toMatch(/purged kid: removed worktree \S+ and branch czar\/kid/);
    expect(await gitIn(repo, ['branch', '--list', 'czar/*'])).toBe('');
    expect(await gitIn(repo, ['branch', '--list', 'mine'])).toContain('mine');
    expect(existsSync(childRecords)).toBe(false);
  });
});
