import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { refsStamp } from '../../src/adapters/ref-stamp.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';

describe('the refs stamp', () => {
  it('stays put while no branch moves, and moves with every way git makes, moves, packs or removes one', async () => {
    const { repo } = await tempRepo({ 'a.txt': 'a\n' });
    const gitDir = path.join(repo, '.git');
    let last = refsStamp(gitDir);
    expect(last).toBeDefined();
    const moved = async (args: readonly string[], cwd = repo): Promise<boolean> => {
      await gitIn(cwd, args);
      const stamp = refsStamp(gitDir);
      const changed = stamp !== last;
      last = stamp;
      return changed;
    };
    expect(await moved(['status', '--short'])).toBe(false);
    expect(await moved(['branch', 'czar/w'])).toBe(true);
    expect(await moved(['branch', 'nested/deeper/x'])).toBe(true);
    expect(await moved(['commit', '-q', '--allow-empty', '-m', 'two'])).toBe(true);
    expect(await moved(['update-ref', 'refs/heads/czar/w', 'HEAD'])).toBe(true);
    expect(await moved(['pack-refs', '--all'])).toBe(true);
    // A packed branch moved again is written loose beside its packed line.
    expect(await moved(['update-ref', 'refs/heads/czar/w', 'HEAD~1'])).toBe(true);
    expect(await moved(['branch', '-D', 'nested/deeper/x'])).toBe(true);
    expect(await moved(['log', '-1'])).toBe(false);
  });

  it('is undefined where there is no git dir, so the caller asks git', () => {
    expect(refsStamp('/nonexistent/czar/.git')).toBeUndefined();
  });
});
