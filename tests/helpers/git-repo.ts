import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterThisTest } from './cleanup.js';

/** Environment for hermetic git in tests: no user or system config, fixed identity, no signing. */
export function hermeticGitEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
    GIT_AUTHOR_NAME: 'Czar Test',
    GIT_AUTHOR_EMAIL: 'test@czar.invalid',
    GIT_COMMITTER_NAME: 'Czar Test',
    GIT_COMMITTER_EMAIL: 'test@czar.invalid',
  };
}

/**
 * A temporary folder (under `parent`, default the system temp dir) removed when the test ends. A czar that is still
 * stopping may write its last event there meanwhile, and a removal that met it (ENOTEMPTY) is tried again.
 */
export async function tempDir(prefix = 'czar-', parent = tmpdir()): Promise<string> {
  const dir = await mkdtemp(path.join(parent, prefix));
  afterThisTest(async () => {
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => undefined);
  });
  return dir;
}

export async function gitIn(cwd: string, args: readonly string[]): Promise<string> {
  const result = await execa('git', [...args], {
    cwd,
    env: {
      GIT_AUTHOR_NAME: 'Czar Test',
      GIT_AUTHOR_EMAIL: 'test@czar.invalid',
      GIT_COMMITTER_NAME: 'Czar Test',
      GIT_COMMITTER_EMAIL: 'test@czar.invalid',
    },
  });
  return result.stdout;
}

/**
 * A throwaway git repo on `main` with one commit (README.md plus any files given), inside a temp dir that also has
 * room for worktrees beside it: returns { root, repo }.
 */
export async function tempRepo(
  files: Record<string, string> = {},
  parent?: string,
): Promise<{ root: string; repo: string }> {
  const root = await tempDir('czar-repo-', parent);
  const repo = path.join(root, 'repo');
  await mkdir(repo, { recursive: true });
  await gitIn(repo, ['init', '--quiet', '--initial-branch=main']);
  await gitIn(repo, ['config', 'commit.gpgsign', 'false']);
  await gitIn(repo, ['config', 'maintenance.auto', 'false']);
  await gitIn(repo, ['config', 'gc.auto', '0']);
  for (const [name, text] of Object.entries({ 'README.md': '# demo\n', ...files })) {
    await mkdir(path.dirname(path.join(repo, name)), { recursive: true });
    await writeFile(path.join(repo, name), text);
  }
  await gitIn(repo, ['add', '-A']);
  await gitIn(repo, ['commit', '--quiet', '-m', 'initial']);
  return { root, repo };
}

/** Whether `ancestor` is in the history of `descendant` (`git merge-base --is-ancestor`). */
export async function isAncestor(repo: string, ancestor: string, descendant: string): Promise<boolean> {
  return gitIn(repo, ['merge-base', '--is-ancestor', ancestor, descendant]).then(
    () => true,
    () => false,
  );
}
