import { describe, expect, it } from 'vitest';
import { fastForwardHere } from '../../src/adapters/host-git.js';
import { revParse } from '../../src/adapters/git.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';

/** A repo on main with `czar/w` one commit behind main's tip, and a commit `other` on neither. */
async function repoWithTips(): Promise<{ repo: string; first: string; second: string; other: string }> {
  const { repo } = await tempRepo({ 'a.txt': 'a\n' });
  const first = (await gitIn(repo, ['rev-parse', 'HEAD'])).trim();
  await gitIn(repo, ['branch', 'czar/w']);
  await gitIn(repo, ['commit', '-q', '--allow-empty', '-m', 'second']);
  const second = (await gitIn(repo, ['rev-parse', 'HEAD'])).trim();
  await gitIn(repo, ['checkout', '-q', '-b', 'side', first]);
  await gitIn(repo, ['commit', '-q', '--allow-empty', '-m', 'other']);
  const other = (await gitIn(repo, ['rev-parse', 'HEAD'])).trim();
  await gitIn(repo, ['checkout', '-q', 'main']);
  return { repo, first, second, other };
}

describe("a host worker's tip whose commit is already here", () => {
  it('moves the branch to it, fast-forward, or creates the branch, with no fetch', async () => {
    const { repo, first, second } = await repoWithTips();
    expect(await fastForwardHere(repo, 'czar/w', second)).toBe(true);
    expect(await revParse(repo, 'czar/w')).toBe(second);
    expect(await fastForwardHere(repo, 'czar/w', second)).toBe(true);
    expect(await fastForwardHere(repo, 'czar/new', first)).toBe(true);
    expect(await revParse(repo, 'czar/new')).toBe(first);
  });

  it('leaves the branch alone for a commit not here or one that is not a fast-forward, so the fetch decides and says', async () => {
    const { repo, first, second, other } = await repoWithTips();
    expect(await fastForwardHere(repo, 'czar/w', 'f'.repeat(40))).toBe(false);
    expect(await fastForwardHere(repo, 'main', other)).toBe(false);
    expect(await revParse(repo, 'main')).toBe(second);
    expect(await fastForwardHere(repo, 'czar/w', first)).toBe(true);
    expect(await fastForwardHere(repo, 'side', first)).toBe(false);
    expect(await revParse(repo, 'side')).toBe(other);
  });
});
