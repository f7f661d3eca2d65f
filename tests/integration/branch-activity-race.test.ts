import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activity } from '../../src/adapters/branch-activity.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';

// A fix-up merges the integration branch into the worker's own. The czar reads the branch while that happens, and
// git stages a clean merge's files before it writes the merge commit: a read in between must not count those files
// as the worker's (overlap alerts against unrelated workers flashed for a moment during fix-up merges).
describe('reading a branch while its worker merges the integration branch in', () => {
  it("never counts the merged-in files as the worker's own", async () => {
    const { root, repo } = await tempRepo({ 'lib.ts': 'one\n' });
    const worktree = path.join(root, 'workers', 'w');
    await gitIn(repo, ['worktree', 'add', '-q', '-b', 'czar/w', worktree, 'main']);
    await writeFile(path.join(worktree, 'own.ts'), 'mine\n');
    await gitIn(worktree, ['add', '-A']);
    await gitIn(worktree, ['commit', '-q', '-m', 'own work']);
    const integration = path.join(root, 'integration');
    await gitIn(repo, ['worktree', 'add', '-q', '-b', 'czar/integration', integration, 'main']);

    const blamed = new Set<string>();
    let merging = true;
    const reader = (async () => {
      let reads = 0;
      while (merging || reads === 0) {
        const seen = await activity(repo, 'main', 'czar/w', worktree, 'czar/integration');
        for (const file of seen.filesChanged) if (file !== 'own.ts') blamed.add(`committed ${file}`);
        for (const file of seen.dirty) if (file !== 'own.ts') blamed.add(`dirty ${file}`);
        reads += 1;
      }
      return reads;
    })();
    try {
      for (let round = 0; round < 20; round += 1) {
        await writeFile(path.join(integration, `other-${round}.ts`), 'theirs\n');
        await gitIn(integration, ['add', '-A']);
        await gitIn(integration, ['commit', '-q', '-m', "another worker's work"]);
        await gitIn(worktree, ['merge', '-q', '--no-ff', '--no-edit', 'czar/integration']);
      }
    } finally {
      merging = false;
    }
    expect(await reader).toBeGreaterThan(0);
    expect([...blamed]).toEqual([]);
  }, 120_000);
});

// A spawned child's worktree is made while the czar runs, and its first look can land while `git worktree add` is
// still checking out: git has no index for it until then, and `git status` lists every file of the tree as deleted
// (a child once read as changing its parent's docs, and so overlapping another worker's).
describe('reading a worktree git is still making', () => {
  it('counts no file before its checkout is over, and its own edits after', async () => {
    const { root, repo } = await tempRepo({ 'docs/api.md': '# API\n', 'lib.ts': 'one\n' });
    const worktree = path.join(root, 'workers', 'child');
    // Where `git worktree add` stands before its checkout: the worktree on its branch, and no index yet.
    await gitIn(repo, ['worktree', 'add', '-q', '--no-checkout', '-b', 'czar/child', worktree, 'main']);
    expect((await activity(repo, 'main', 'czar/child', worktree)).dirty).toEqual([]);
    // The checkout `git worktree add` runs next.
    await gitIn(worktree, ['reset', '-q', '--hard']);
    await writeFile(path.join(worktree, 'lib.ts'), 'two\n');
    expect((await activity(repo, 'main', 'czar/child', worktree)).dirty).toEqual(['lib.ts']);
  });

  it('never counts the files of a checkout under way', async () => {
    const files = Object.fromEntries(Array.from({ length: 2000 }, (_, index) => [`src/f${index}.ts`, `${index}\n`]));
    const { root, repo } = await tempRepo(files);
    const worktree = path.join(root, 'workers', 'child');
    let adding = true;
    const add = gitIn(repo, ['worktree', 'add', '-q', '-b', 'czar/child', worktree, 'main']).finally(() => {
      adding = false;
    });
    const counted = new Set<string>();
    let reads = 0;
    while (adding) {
      for (const file of (await activity(repo, 'main', 'czar/child', worktree)).dirty) counted.add(file);
      reads += 1;
    }
    await add;
    expect(reads).toBeGreaterThan(0);
    expect([...counted]).toEqual([]);
  }, 60_000);
});
