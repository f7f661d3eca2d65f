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
