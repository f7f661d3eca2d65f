import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activity, commitSubjects, diffStat, ownDiffStat } from '../../src/adapters/branch-activity.js';
import { commitSubjects as ownCommits } from '../../src/adapters/integration-git.js';
import { branchTips, commitsNotIn, dirtyPaths, git, revParse } from '../../src/adapters/git.js';
import { predictConflicts, predictConflictsOf } from '../../src/adapters/merge-prediction.js';
import { detachedCheckout, worktreeIdentity } from '../../src/adapters/git-worktrees.js';
import { branchPlaces } from '../../src/adapters/worktree-place.js';
import { CzarError } from '../../src/domain/model/errors.js';
import { mergedTips } from '../../src/integration/candidates.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';

/** A repo on main plus a worktree on `czar/w` one commit ahead: a rename, an edit and an odd file name. */
async function branchRepo(): Promise<{ root: string; repo: string; worktree: string }> {
  const { root, repo } = await tempRepo({ 'src/old.ts': 'export const a = 1;\n', 'lib.ts': 'one\ntwo\nthree\n' });
  const worktree = path.join(root, 'workers', 'w');
  await gitIn(repo, ['worktree', 'add', '-q', '-b', 'czar/w', worktree, 'main']);
  await rename(path.join(worktree, 'src/old.ts'), path.join(worktree, 'src/new.ts'));
  await writeFile(path.join(worktree, 'lib.ts'), 'one\nTWO\nthree\nfour\n');
  await writeFile(path.join(worktree, 'naïve name.txt'), 'x\n');
  await gitIn(worktree, ['add', '-A']);
  await gitIn(worktree, ['commit', '-q', '-m', 'work on w']);
  return { root, repo, worktree };
}

describe('git adapter (simple-git)', () => {
  it('reads a branch: commits ahead, files with line counts (both sides of a move), last commit and dirty paths', async () => {
    const { repo, worktree } = await branchRepo();
    await writeFile(path.join(worktree, 'lib.ts'), 'changed again\n');
    await writeFile(path.join(worktree, 'untracked dir file.md'), 'new\n');
    const seen = await activity(repo, 'main', 'czar/w', worktree);
    expect(seen.commitsAhead).toBe(1);
    expect([...seen.filesChanged].sort()).toEqual(['lib.ts', 'naïve name.txt', 'src/new.ts', 'src/old.ts']);
    expect(seen.lastCommit).toMatchObject({ sha: await revParse(repo, 'czar/w'), subject: 'work on w' });
    expect(Number.isNaN(Date.parse(seen.lastCommit?.at ?? ''))).toBe(false);
    expect([...seen.dirty].sort()).toEqual(['lib.ts', 'untracked dir file.md']);
    expect((await diffStat(repo, 'main', 'czar/w')).find((file) => file.file === 'lib.ts')).toEqual({
      file: 'lib.ts',
      insertions: 2,
      deletions: 1,
      binary: false,
    });
  });

  it("reads file names with control characters as they are, not in git's quoted form", async () => {
    const { repo, worktree } = await branchRepo();
    const odd = ['src/tab\there.ts', 'src/esc\u001bname.ts', 'src/quote"d.ts'];
    for (const file of odd) await writeFile(path.join(worktree, file), 'x\n');
    await gitIn(worktree, ['add', '-A']);
    await gitIn(worktree, ['commit', '-q', '-m', 'odd names']);
    await writeFile(path.join(worktree, 'src/bell\u0007.ts'), 'y\n');
    const seen = await activity(repo, 'main', 'czar/w', worktree);
    expect([...seen.filesChanged].sort()).toEqual(
      ['lib.ts', 'naïve name.txt', ...odd, 'src/new.ts', 'src/old.ts'].sort(),
    );
    expect(seen.dirty).toEqual(['src/bell\u0007.ts']);
    expect((await diffStat(repo, 'main', 'czar/w')).find((file) => file.file === odd[0])).toEqual({
      file: odd[0],
      insertions: 1,
      deletions: 0,
      binary: false,
    });
  });

  it('reads a branch by its full name, not a tag of the same name', async () => {
    const { repo } = await branchRepo();
    await gitIn(repo, ['branch', 'v1', 'czar/w']);
    await gitIn(repo, ['tag', 'v1', 'main']);
    await gitIn(repo, ['tag', 'main', 'czar/w']);
    const seen = await activity(repo, 'main', 'v1', undefined);
    expect(seen.commitsAhead).toBe(1);
    expect(seen.filesChanged.length).toBeGreaterThan(0);
    expect(await commitsNotIn(repo, 'main', 'v1')).toBe(1);
    expect(await commitSubjects(repo, 'main', 'v1', 5)).toHaveLength(1);
  });

  it("after the worker merges the integration branch in (a fix-up), its files are still its own, not the others' it merged", async () => {
    const { repo, worktree } = await branchRepo();
    await gitIn(repo, ['checkout', '-q', '-b', 'czar/integration']);
    await writeFile(path.join(repo, 'other.ts'), 'export const other = 1;\n');
    await writeFile(path.join(repo, 'lib.ts'), 'one\nzwei\nthree\n');
    await gitIn(repo, ['add', '-A']);
    await gitIn(repo, ['commit', '-q', '-m', "another worker's work, integrated"]);
    await gitIn(repo, ['checkout', '-q', 'main']);
    await gitIn(worktree, ['merge', '-q', '--no-edit', 'czar/integration']).catch(() => undefined);
    // Mid-merge, what the merge brought in is staged: only the conflict is the worker's to touch.
    expect((await activity(repo, 'main', 'czar/w', worktree)).dirty).toEqual(['lib.ts']);
    await writeFile(path.join(worktree, 'lib.ts'), 'one\nTWO\nzwei\nthree\nfour\n');
    await gitIn(worktree, ['commit', '-q', '-am', 'merge the integration branch']);
    await writeFile(path.join(worktree, 'fix.ts'), 'export const fix = 1;\n');
    await gitIn(worktree, ['add', '-A']);
    await gitIn(worktree, ['commit', '-q', '-m', 'fix after the merge']);
    const seen = await activity(repo, 'main', 'czar/w', worktree);
    expect([...seen.filesChanged].sort()).toEqual(['fix.ts', 'lib.ts', 'naïve name.txt', 'src/new.ts', 'src/old.ts']);
    expect(seen.lastCommit).toMatchObject({ sha: await revParse(repo, 'czar/w'), subject: 'fix after the merge' });
  });

  it('a branch that does not exist has done nothing, and a missing worktree has nothing dirty', async () => {
    const { repo, root } = await tempRepo();
    expect(await activity(repo, 'main', 'czar/none', path.join(root, 'nowhere'))).toEqual({
      commitsAhead: 0,
      filesChanged: [],
      lastCommit: undefined,
      dirty: [],
    });
    expect(await dirtyPaths(path.join(root, 'nowhere'))).toEqual([]);
  });

  it("knows a worktree whose branch was deleted from outside: it is still that branch's worktree, with nothing at its tip", async () => {
    const { repo, root } = await tempRepo();
    const worktree = path.join(root, 'wt');
    await gitIn(repo, ['worktree', 'add', '-b', 'czar/a', worktree]);
    await gitIn(repo, ['update-ref', '-d', 'refs/heads/czar/a']);
    const identity = await worktreeIdentity(worktree);
    expect(identity?.branch).toBe('czar/a');
    expect(identity?.top).toBe(worktree);
  });

  it('returns exit codes when asked, and otherwise throws one sentence naming the command', async () => {
    const { repo } = await tempRepo();
    expect(
      (await git(repo, ['show-ref', '--verify', '--quiet', 'refs/heads/nope'], { allowFailure: true })).exitCode,
    ).toBe(1);
    const error = await git(repo, ['rev-parse', '--verify', 'nope^{commit}']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CzarError);
    expect((error as CzarError).message).toMatch(/^"git rev-parse --verify nope\^\{commit\}" exited with 128: fatal: /);
    const missing = await git(path.join(repo, 'gone'), ['status']).catch((caught: unknown) => caught);
    expect((missing as CzarError).code).toBe('cwd_missing');
  });

  it('predicts conflicts between tips, with odd names', async () => {
    const { repo, worktree } = await branchRepo();
    await gitIn(repo, ['checkout', '-q', '-b', 'czar/v']);
    await writeFile(path.join(repo, 'lib.ts'), 'one\n2\nthree\n');
    await writeFile(path.join(repo, 'naïve name.txt'), 'y\n');
    await gitIn(repo, ['commit', '-q', '-am', 'v edits']);
    await gitIn(repo, ['add', '-A']);
    await gitIn(repo, ['commit', '-q', '-m', 'v adds the odd file']);
    await gitIn(repo, ['checkout', '-q', 'main']);
    expect((await predictConflicts(repo, 'czar/w', 'czar/v')).sort()).toEqual(['lib.ts', 'naïve name.txt']);
    expect(await predictConflicts(repo, 'czar/w', 'main')).toEqual([]);
    expect((await branchTips(repo)).get('czar/w')).toBe(await revParse(worktree, 'HEAD'));
    // Many pairs in one process answer as each alone would, a pair git cannot merge (no merge base, a commit gone)
    // as no prediction, and the pairs after it still.
    await gitIn(repo, ['checkout', '-q', '--orphan', 'lone']);
    await gitIn(repo, ['commit', '-q', '-m', 'unrelated']);
    await gitIn(repo, ['checkout', '-q', 'main']);
    const gone = '0123456789abcdef0123456789abcdef01234567';
    const many = await predictConflictsOf(repo, [
      ['czar/w', 'czar/v'],
      ['czar/w', 'lone'],
      ['czar/v', 'czar/w'],
      ['czar/w', gone],
      ['czar/w', 'main'],
      ['czar/v', 'czar/w'],
    ]);
    expect(many.map((files) => [...files].sort())).toEqual([
      ['lib.ts', 'naïve name.txt'],
      [],
      ['lib.ts', 'naïve name.txt'],
      [],
      [],
      ['lib.ts', 'naïve name.txt'],
    ]);
    expect(await predictConflictsOf(repo, [])).toEqual([]);
  });

  it('keeps a detached checkout of its own, reused and cleaned, and never takes over a folder inside the repository', async () => {
    const { repo, root } = await branchRepo();
    const dir = path.join(root, 'state', 'checkouts', 'w');
    const first = (await revParse(repo, 'main')) ?? '';
    const second = (await revParse(repo, 'czar/w')) ?? '';
    await detachedCheckout(repo, dir, first);
    expect(existsSync(path.join(dir, 'src/old.ts'))).toBe(true);
    await writeFile(path.join(dir, 'left-by-a-check.txt'), 'x');
    await detachedCheckout(repo, dir, second);
    expect(await revParse(dir, 'HEAD')).toBe(second);
    expect(existsSync(path.join(dir, 'src/new.ts'))).toBe(true);
    expect(existsSync(path.join(dir, 'left-by-a-check.txt'))).toBe(false);
    // A state dir inside the repo: the folder is "inside a work tree" but is not one; the person's checkout stays.
    const inside = path.join(repo, '.czar', 'checkouts', 'w');
    await mkdir(inside, { recursive: true });
    await writeFile(path.join(repo, 'README.md'), 'uncommitted edit\n');
    await detachedCheckout(repo, inside, second);
    expect(await readFile(path.join(repo, 'README.md'), 'utf8')).toBe('uncommitted edit\n');
    expect(await revParse(inside, 'HEAD')).toBe(second);
    expect((await gitIn(repo, ['symbolic-ref', '--short', 'HEAD'])).trim()).toBe('main');
  });

  it('mergedTips: which tips a branch holds, branch tips and other commits alike', async () => {
    const { repo } = await tempRepo({ 'README.md': 'base\n' });
    const commitOn = async (branch: string, file: string): Promise<string> => {
      await gitIn(repo, ['switch', '-q', branch]);
      await writeFile(path.join(repo, file), `${file}\n`);
      await gitIn(repo, ['add', file]);
      await gitIn(repo, ['commit', '-q', '-m', file]);
      return (await gitIn(repo, ['rev-parse', 'HEAD'])).trim();
    };
    for (const branch of ['czar/x', 'czar/y', 'czar/z', 'czar/integration'])
      await gitIn(repo, ['branch', branch, 'main']);
    const x = await commitOn('czar/x', 'x.txt');
    const y = await commitOn('czar/y', 'y.txt');
    const zEarlier = await commitOn('czar/z', 'z1.txt');
    const z = await commitOn('czar/z', 'z2.txt');
    // The integration branch holds x and the first of z's two commits, which no branch points at.
    await gitIn(repo, ['switch', '-q', 'czar/integration']);
    await gitIn(repo, ['merge', '-q', '--no-ff', '--no-edit', x]);
    await gitIn(repo, ['merge', '-q', '--no-ff', '--no-edit', zEarlier]);
    await gitIn(repo, ['switch', '-q', 'main']);
    const held = await mergedTips(repo, 'czar/integration', [x, y, zEarlier, z, undefined]);
    expect([...held].sort()).toEqual([x, zEarlier].sort());
    expect(await mergedTips(repo, 'czar/none', [x])).toEqual(new Set());
  });
});

describe('where many workers stand, with one read of the tips', () => {
  it("takes a worktree's own commit that lands while the tips are read for its own, not for a move from outside", async () => {
    const { repo, worktree } = await branchRepo();
    // The worktree commits between its reflog's first read and the tips' read: the tip is newer than that log.
    const { places } = await branchPlaces(repo, [{ branch: 'czar/w', worktree, lastTip: undefined }], async () => {
      await writeFile(path.join(worktree, 'lib.ts'), 'committed meanwhile\n');
      await gitIn(worktree, ['commit', '-q', '-am', 'meanwhile']);
      return branchTips(repo);
    });
    expect(places.get('czar/w')).toEqual({});
    // A commit from another checkout is a move from outside, found by the same look.
    const other = path.join(path.dirname(worktree), 'other');
    await gitIn(repo, ['worktree', 'add', '-q', '--detach', other, 'czar/w']);
    await writeFile(path.join(other, 'lib.ts'), 'from outside\n');
    await gitIn(other, ['commit', '-q', '-am', 'outside']);
    await gitIn(other, ['update-ref', 'refs/heads/czar/w', 'HEAD']);
    const outside = await branchPlaces(repo, [{ branch: 'czar/w', worktree, lastTip: undefined }], () =>
      branchTips(repo),
    );
    expect(outside.places.get('czar/w')?.movedOutside).toMatchObject({ forward: true });
  });
});

describe('what a branch adds for the handoff', () => {
  it('counts its own commits and files, not those of a branch it merged in (the integration branch)', async () => {
    const { repo } = await tempRepo();
    const commit = async (branch: string, file: string): Promise<void> => {
      await gitIn(repo, ['switch', '-q', branch]);
      await writeFile(path.join(repo, file), `${file}\n`);
      await gitIn(repo, ['add', file]);
      await gitIn(repo, ['commit', '-q', '-m', `add ${file}`]);
    };
    await gitIn(repo, ['branch', 'cart']);
    await gitIn(repo, ['branch', 'docs']);
    await commit('cart', 'totals.ts');
    await commit('docs', 'guide.md');
    await gitIn(repo, ['merge', '-q', '--no-edit', 'cart']);
    await commit('docs', 'faq.md');
    await gitIn(repo, ['switch', '-q', 'main']);

    expect((await ownCommits(repo, 'main', 'docs')).map((entry) => entry.subject)).toEqual([
      'add guide.md',
      'add faq.md',
    ]);
    expect((await ownDiffStat(repo, 'main', 'docs')).map((entry) => entry.file).sort()).toEqual(['faq.md', 'guide.md']);
    // A branch that merged nothing keeps its whole diff.
    expect((await ownDiffStat(repo, 'main', 'cart')).map((entry) => entry.file)).toEqual(['totals.ts']);
  });
});
