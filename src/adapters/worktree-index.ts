import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** A worktree's own git dir: a linked worktree's `.git` is a file naming it; a main checkout's is the folder itself. */
export async function worktreeGitDir(worktree: string): Promise<string> {
  const dotGit = path.join(worktree, '.git');
  const pointer = await readFile(dotGit, 'utf8').catch(() => undefined);
  return pointer === undefined ? dotGit : path.resolve(worktree, pointer.replace(/^gitdir:\s*/, '').trim());
}

/**
 * A stamp of a worktree's index file, read without starting git: git writes the index to a lock file it renames into
 * place, so anything staged, committed or checked out since gives another inode. Undefined without an index.
 */
export async function worktreeIndexStamp(worktree: string): Promise<string | undefined> {
  const info = await stat(path.join(await worktreeGitDir(worktree), 'index'), { bigint: true }).catch(() => undefined);
  return info === undefined ? undefined : `${info.ino} ${info.size} ${info.mtimeNs}`;
}
