import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { addWorktree } from '../../src/adapters/git-worktrees.js';
import { tempRepo } from '../helpers/git-repo.js';

describe('worktrees made at once', () => {
  // git's `worktree add` fails now and then when another one runs beside it, after it made the branch: the retry
  // finds that branch, and it is still the one czar made (its ownership record is what lets `down --purge` remove it).
  test('every branch made for them is reported as made, however the adds race', async () => {
    const { root, repo } = await tempRepo();
    const names = Array.from({ length: 48 }, (_, i) => `w${i + 1}`);
    const outcomes = await Promise.all(
      names.map((name) => addWorktree(repo, path.join(root, 'worktrees', name), `czar/${name}`, 'main', false)),
    );
    expect(outcomes.filter((outcome) => outcome !== 'created')).toEqual([]);
  });
});
