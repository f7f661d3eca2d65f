import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * `@sim merge <branch>`: what an agent does when told to merge a branch into its own: `git merge`, and on a
 * conflict it keeps both sides' intent (the czar's fix-up asks exactly that), so nobody's change is dropped.
 */

const OURS = /^<{7}(?: .*)?$/;
const BASE = /^\|{7}(?: .*)?$/;
const SPLIT = /^={7}$/;
const THEIRS = /^>{7}(?: .*)?$/;

/**
 * A conflicted file with both sides kept: our lines, then theirs, without the markers and without the common
 * ancestor's lines (diff3 style). Returns undefined when the markers do not pair up, as a careful agent stops there.
 */
export function keepBothSides(text: string): string | undefined {
  const kept: string[] = [];
  let section: 'outside' | 'ours' | 'base' | 'theirs' = 'outside';
  for (const line of text.split('\n')) {
    if (OURS.test(line)) {
      if (section !== 'outside') return undefined;
      section = 'ours';
    } else if (BASE.test(line) && section === 'ours') section = 'base';
    else if (SPLIT.test(line) && (section === 'ours' || section === 'base')) section = 'theirs';
    else if (THEIRS.test(line) && section === 'theirs') section = 'outside';
    else if (section !== 'base') kept.push(line);
  }
  return section === 'outside' ? kept.join('\n') : undefined;
}

/** Merges `branch` into the worktree's branch and resolves its conflicts; returns the line a terminal would show. */
export async function mergeKeepingBoth(cwd: string, branch: string): Promise<string> {
  // Loaded on first use, as the commit is: execa's start-up cost is not paid by sims that never merge.
  const { git } = await import('../adapters/git.js');
  const identity = ['-c', 'user.name=czar-sim', '-c', 'user.email=sim@czar.invalid', '-c', 'commit.gpgsign=false'];
  const merged = await git(cwd, [...identity, 'merge', '--no-edit', branch], { allowFailure: true });
  if (merged.exitCode === 0) return `Merged ${branch}`;
  const conflicted = (await git(cwd, ['diff', '--name-only', '-z', '--diff-filter=U'])).stdout
    .split('\0')
    .filter((file) => file !== '');
  if (conflicted.length === 0)
    return `Not merged: ${firstLine(`${merged.stdout}\n${merged.stderr}`) ?? `git exited with ${merged.exitCode}`}`;
  for (const file of conflicted) {
    const resolved = keepBothSides(await readFile(path.join(cwd, file), 'utf8'));
    if (resolved === undefined)
      return `Merge of ${branch} left unresolved: the conflict markers in ${file} do not pair up`;
    await writeFile(path.join(cwd, file), resolved);
  }
  await git(cwd, ['add', '--', ...conflicted]);
  const committed = await git(cwd, [...identity, 'commit', '--no-edit', '--quiet'], { allowFailure: true });
  if (committed.exitCode !== 0)
    return `Merge of ${branch} not committed: ${firstLine(`${committed.stdout}\n${committed.stderr}`) ?? `git exited with ${committed.exitCode}`}`;
  return `Merged ${branch}, resolved ${conflicted.join(', ')} keeping both sides`;
}

function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
}
