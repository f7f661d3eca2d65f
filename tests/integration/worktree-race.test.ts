import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { addWorktree, listWorktrees } from '../../src/adapters/git-worktrees.js';
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

  // The czar lists worktrees on every look, while a person (or a test) may be adding one: git then fails the list
  // as it fails a parallel add, on the other's half-made admin folder.
  test('are listed without an error while others are being added', async () => {
    const { root, repo } = await tempRepo();
    const names = Array.from({ length: 64 }, (_, i) => `w${i + 1}`);
    let adding = true;
    const adds = Promise.all(
      names.map((name) => addWorktree(repo, path.join(root, 'worktrees', name), `czar/${name}`, 'main', false)),
    ).finally(() => (adding = false));
    const failures: unknown[] = [];
    let lists = 0;
    while (adding) {
      const listed = await Promise.allSettled(Array.from({ length: 4 }, () => listWorktrees(repo)));
      lists += listed.length;
      failures.push(...listed.flatMap((result) => (result.status === 'rejected' ? [result.reason] : [])));
    }
    await adds;
    // At least one round ran while adds were under way (on a loaded machine there may be few).
    expect(lists).toBeGreaterThanOrEqual(4);
    expect(failures).toEqual([]);
    expect((await listWorktrees(repo)).length).toBe(names.length + 1);
  });
});
