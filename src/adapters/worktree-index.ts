import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The worktree's own git folder (`.git/worktrees/<id>`), from the `gitdir:` line of its `.git` file; undefined when
 * the folder is gone, or git's record of it is (`git worktree move` or `remove` under the worker).
 */
export async function worktreeGitDir(worktree: string): Promise<string | undefined> {
  const dotGit = path.join(worktree, '.git');
  // A worker may work in the main checkout, whose .git is the folder itself.
  if (existsSync(path.join(dotGit, 'HEAD'))) return dotGit;
  const pointer = await readFile(dotGit, 'utf8').catch(() => undefined);
  const match = pointer === undefined ? null : /^gitdir:\s*(.+)$/m.exec(pointer);
  if (match?.[1] === undefined) return undefined;
  const gitDir = path.resolve(worktree, match[1].trim());
  return existsSync(path.join(gitDir, 'HEAD')) ? gitDir : undefined;
}

/**
 * A stamp of a worktree's index file, read without starting git: git writes the index to a lock file it renames into
 * place, so anything staged, committed or checked out since gives another inode. Undefined without an index.
 */
export async function worktreeIndexStamp(worktree: string): Promise<string | undefined> {
  const gitDir = await worktreeGitDir(worktree);
  if (gitDir === undefined) return undefined;
  const info = await stat(path.join(gitDir, 'index'), { bigint: true }).catch(() => undefined);
  return info === undefined ? undefined : `${info.ino} ${info.size} ${info.mtimeNs}`;
}
