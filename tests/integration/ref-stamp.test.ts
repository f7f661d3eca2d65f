import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RefsStamp } from '../../src/adapters/ref-stamp.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';

/** Read as if a few seconds had passed since git's last write: no folder is too fresh to trust. */
const settled = (): number => Date.now() + 5_000;

describe('the refs stamp', () => {
  it('stays put while no branch moves, and moves with every way git makes, moves, packs or removes one', async () => {
    const { repo } = await tempRepo({ 'a.txt': 'a\n' });
    const refs = new RefsStamp(path.join(repo, '.git'));
    let last = refs.read(settled());
    expect(last).toBeDefined();
    const moved = async (args: readonly string[], cwd = repo): Promise<boolean> => {
      await gitIn(cwd, args);
      const stamp = refs.read(settled());
      expect(stamp).toBeDefined();
      const changed = stamp !== last;
      last = stamp;
      return changed;
    };
    expect(await moved(['status', '--short'])).toBe(false);
    expect(await moved(['branch', 'czar/w'])).toBe(true);
    expect(await moved(['branch', 'nested/deeper/x'])).toBe(true);
    expect(await moved(['commit', '-q', '--allow-empty', '-m', 'two'])).toBe(true);
    expect(await moved(['update-ref', 'refs/heads/czar/w', 'HEAD'])).toBe(true);
    // A branch in a folder that existed before: only that folder's time tells.
    expect(await moved(['update-ref', 'refs/heads/nested/deeper/x', 'HEAD'])).toBe(true);
    expect(await moved(['pack-refs', '--all'])).toBe(true);
    // A packed branch moved again is written loose beside its packed line.
    expect(await moved(['update-ref', 'refs/heads/czar/w', 'HEAD~1'])).toBe(true);
    expect(await moved(['branch', '-D', 'nested/deeper/x'])).toBe(true);
    expect(await moved(['log', '-1'])).toBe(false);
  });

  it('is undefined while a refs folder moved too recently to trust, so the caller asks git', async () => {
    const { repo } = await tempRepo({ 'a.txt': 'a\n' });
    await gitIn(repo, ['branch', 'czar/w']);
    const refs = new RefsStamp(path.join(repo, '.git'));
    expect(refs.read(Date.now())).toBeUndefined();
    expect(refs.read(settled())).toBeDefined();
  });

  it('is undefined where there is no git dir, so the caller asks git', () => {
    expect(new RefsStamp('/nonexistent/czar/.git').read()).toBeUndefined();
  });
});
