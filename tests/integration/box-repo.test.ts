import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxBranchTip, fetchFromBox, makeBoxedRepo, shareBranches } from '../../src/adapters/box-repo.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';

// czar writes a boxed worker's `.git` itself (one git process checks its files out, where a clone ran three): it must
// be what `git clone --shared` made, or the box's guarantees and the worker's git break.
describe("a boxed worker's repository of its own", () => {
  it('is on its branch, clean, borrows the objects, has its own config with the identity, and its commits come back', async () => {
    const { root, repo } = await tempRepo({ 'src/run.sh': 'echo hi\n' });
    await chmod(path.join(repo, 'src', 'run.sh'), 0o755);
    await gitIn(repo, ['commit', '-qam', 'executable', '--allow-empty']);
    await gitIn(repo, ['config', 'user.name', 'Ann "the" \\ Dev']);
    await gitIn(repo, ['config', 'user.email', 'ann@example.invalid']);
    const base = (await gitIn(repo, ['rev-parse', 'main'])).trim();
    const folder = path.join(repo, '.czar', 'work', 'w');

    expect(await makeBoxedRepo(repo, folder, 'czar/w', 'main', 'w')).toBe('created');
    expect((await gitIn(folder, ['symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/czar/w');
    expect((await gitIn(folder, ['rev-parse', 'HEAD'])).trim()).toBe(base);
    expect(await gitIn(folder, ['status', '--porcelain'])).toBe('');
    expect(await readFile(path.join(folder, 'README.md'), 'utf8')).toBe('# demo\n');
    expect((await stat(path.join(folder, 'src', 'run.sh'))).mode & 0o111).not.toBe(0);
    expect(await readFile(path.join(folder, '.git', 'objects', 'info', 'alternates'), 'utf8')).toBe(
      `${path.join(repo, '.git', 'objects')}\n`,
    );
    expect((await gitIn(folder, ['count-objects'])).trim()).toBe('0 objects, 0 kilobytes');
    expect((await gitIn(folder, ['config', 'user.name'])).trim()).toBe('Ann "the" \\ Dev');
    expect((await gitIn(folder, ['config', 'user.email'])).trim()).toBe('ann@example.invalid');
    expect((await gitIn(folder, ['config', 'remote.origin.url'])).trim()).toBe(repo);
    expect((await gitIn(folder, ['rev-parse', '--abbrev-ref', '@{upstream}'])).trim()).toBe('origin/czar/w');
    // What the box binds read-only must exist, or a worker could make it and plant there.
    for (const part of ['config', 'hooks', 'info', 'objects/info'])
      expect(existsSync(path.join(folder, '.git', part)), part).toBe(true);
    // Cut in the main repository as a worktree's branch is, so `down --purge` knows it for czar's.
    expect(await gitIn(repo, ['reflog', 'show', '--format=%gs', 'refs/heads/czar/w'])).toBe(
      'czar: created for worker w',
    );

    await writeFile(path.join(folder, 'work.txt'), 'done\n');
    await gitIn(folder, ['add', 'work.txt']);
    await gitIn(folder, ['commit', '-qm', 'work']);
    await fetchFromBox(repo, folder, 'czar/w');
    const tip = (await gitIn(folder, ['rev-parse', 'HEAD'])).trim();
    expect((await gitIn(repo, ['rev-parse', 'czar/w'])).trim()).toBe(tip);

    // Made again for the branch that exists: on its tip, never reset to the base.
    const again = path.join(root, 'again');
    expect(await makeBoxedRepo(repo, again, 'czar/w', 'main', 'w')).toBe('reused-branch');
    expect((await gitIn(again, ['rev-parse', 'HEAD'])).trim()).toBe(tip);
    expect(await readFile(path.join(again, 'work.txt'), 'utf8')).toBe('done\n');
  });

  it("holds the fleet's branches as the main repository has them, so its first task needs no fetch", async () => {
    const { root, repo } = await tempRepo();
    await gitIn(repo, ['branch', 'czar/other']);
    await gitIn(repo, ['branch', 'czar/deep/one']);
    await gitIn(repo, ['branch', 'merged']);
    await gitIn(repo, ['branch', 'mine']);
    await gitIn(repo, ['commit', '-q', '--allow-empty', '-m', 'later']);
    await gitIn(repo, ['branch', 'czar/w']);
    const tip = (await gitIn(repo, ['rev-parse', 'main'])).trim();
    const base = (await gitIn(repo, ['rev-parse', 'main~1'])).trim();
    const folder = path.join(root, 'w');

    expect(await makeBoxedRepo(repo, folder, 'czar/w', 'main', 'w', { integration: 'merged' })).toBe('reused-branch');
    const refs = await gitIn(folder, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads']);
    expect(refs.trim().split('\n')).toEqual([
      `refs/heads/czar/deep/one ${base}`,
      `refs/heads/czar/other ${base}`,
      `refs/heads/czar/w ${tip}`,
      `refs/heads/merged ${base}`,
    ]);
    expect(await gitIn(folder, ['status', '--porcelain'])).toBe('');
    // A fetch into it later moves them as before.
    await gitIn(repo, ['branch', '-f', 'czar/other', 'main']);
    await shareBranches(repo, folder, 'czar/w', 'merged');
    expect((await gitIn(folder, ['rev-parse', 'czar/other'])).trim()).toBe(tip);
  });

  it('is not made over a folder that holds anything, which is left as it was', async () => {
    const { root, repo } = await tempRepo();
    const folder = path.join(root, 'taken');
    await mkdir(folder);
    await writeFile(path.join(folder, 'mine.txt'), 'keep\n');
    await expect(makeBoxedRepo(repo, folder, 'czar/w', 'main', 'w')).rejects.toMatchObject({
      code: 'worktree_foreign',
      message: expect.stringContaining(folder),
    });
    expect(existsSync(path.join(folder, '.git'))).toBe(false);
    expect(await readFile(path.join(folder, 'mine.txt'), 'utf8')).toBe('keep\n');
  });

  it('is taken away again when git refuses to cut its branch, and the branch made meanwhile is not moved', async () => {
    const { root, repo } = await tempRepo();
    await gitIn(repo, ['branch', 'czar/w']);
    await gitIn(repo, ['commit', '-q', '--allow-empty', '-m', 'later']);
    const theirs = (await gitIn(repo, ['rev-parse', 'czar/w'])).trim();
    const folder = path.join(root, 'w');
    // The plan saw no branch; it was made since.
    await expect(makeBoxedRepo(repo, folder, 'czar/w', 'main', 'w', { knownToExist: false })).rejects.toThrow(
      /update-ref/,
    );
    expect(existsSync(folder)).toBe(false);
    expect((await gitIn(repo, ['rev-parse', 'czar/w'])).trim()).toBe(theirs);
  });
});

describe("a boxed worker's branch read from its repository's files", () => {
  it('is the loose ref, else the packed one, and nothing from a file that is no small text file', async () => {
    const { repo } = await tempRepo();
    const folder = path.join(repo, '.czar', 'work', 'w');
    await makeBoxedRepo(repo, folder, 'czar/w', 'main', 'w');
    await gitIn(folder, ['commit', '-qm', 'work', '--allow-empty']);
    const tip = (await gitIn(folder, ['rev-parse', 'HEAD'])).trim();
    expect(await boxBranchTip(folder, 'czar/w')).toBe(tip);
    await gitIn(folder, ['pack-refs', '--all']);
    expect(existsSync(path.join(folder, '.git', 'refs', 'heads', 'czar', 'w'))).toBe(false);
    expect(await boxBranchTip(folder, 'czar/w')).toBe(tip);
    // A FIFO where the ref was, and a packed-refs of no branch: read without waiting, and nothing said.
    await writeFile(path.join(folder, '.git', 'packed-refs'), '');
    await mkdir(path.join(folder, '.git', 'refs', 'heads', 'czar'), { recursive: true });
    execFileSync('mkfifo', [path.join(folder, '.git', 'refs', 'heads', 'czar', 'w')]);
    expect(await boxBranchTip(folder, 'czar/w')).toBeUndefined();
  });
});
