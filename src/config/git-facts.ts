import path from 'node:path';
import { isFolderSync, resolveLinksSync } from '../adapters/file-system.js';
import {
  branchExists,
  currentBranch,
  isBareRepository,
  isValidBranchName,
  revParse,
  topLevel,
} from '../adapters/git.js';
import { problemAt, type Problem } from './problems.js';
import type { WrittenConfig } from './schema.js';

/** Asks git about the repository and branches the config names; each problem is placed at the key concerned. */
export async function gitFacts(written: WrittenConfig, configFile: string, problems: Problem[]) {
  const configDir = path.dirname(configFile);
  const configName = path.basename(configFile);
  const repoDir = path.resolve(configDir, written.repo ?? '.');
  const repoPath = written.repo === undefined ? [] : ['repo'];
  const repoNamed = written.repo === undefined ? `the folder of ${configName} (${repoDir})` : `${repoDir}`;
  if (!isFolderSync(repoDir)) {
    problems.push(
      problemAt(
        repoPath,
        `points at ${repoNamed}, which is not a folder; fix the path, which is relative to the folder of ${configName}.`,
      ),
    );
    return undefined;
  }
  const writtenBranches = written.workers.flatMap((worker, index) =>
    worker.branch === undefined ? [] : [{ path: ['workers', index, 'branch'], name: worker.branch }],
  );
  const base = written.base === undefined ? undefined : { path: ['base'], name: written.base };
  // Asked together, from the folder itself (git answers the same anywhere in a work tree), some perhaps in vain (not a
  // repository, the base of an invalid name, the commit of a detached HEAD): each is a read, and one answer after
  // another kept every `czar` command waiting for them in turn.
  const [repoTop, branch, checks, baseExists, headCommit] = await Promise.all([
    topLevel(repoDir),
    currentBranch(repoDir),
    Promise.all(
      [...writtenBranches, ...(base === undefined ? [] : [base])].map(async (entry) => ({
        entry,
        valid: await isValidBranchName(repoDir, entry.name),
      })),
    ),
    base === undefined ? true : branchExists(repoDir, base.name),
    base === undefined ? revParse(repoDir, 'HEAD') : undefined,
  ]);
  if (repoTop === undefined && (await isBareRepository(repoDir))) {
    const tail = `is a bare repository with no working tree; clone it (git clone ${written.repo ?? repoDir} app) and point repo: at the clone.`;
    problems.push(
      written.repo === undefined
        ? { path: [], message: `${repoNamed} ${tail}` }
        : problemAt(repoPath, `points at ${repoNamed}, which ${tail}`),
    );
    return undefined;
  }
  if (repoTop === undefined) {
    const tail = `is not inside a git repository; run "git init" there or set repo: to a git checkout.`;
    problems.push(
      written.repo === undefined
        ? { path: [], message: `${repoNamed} ${tail}` }
        : problemAt(repoPath, `points at ${repoNamed}, which ${tail}`),
    );
    return undefined;
  }
  for (const { entry, valid } of checks) {
    if (!valid)
      problems.push(
        problemAt(
          entry.path,
          `"${entry.name}" is not a valid git branch name; pick a name git accepts (no spaces, "..", "~", "^", ":" or trailing "/"), e.g. feat/gateway.`,
        ),
      );
  }
  if (base !== undefined && checks.find((check) => check.entry === base)?.valid === true && !baseExists) {
    problems.push(
      problemAt(
        ['base'],
        `"${base.name}" is not a branch in ${repoTop}; create it or set base: to an existing branch.`,
      ),
    );
  }
  if (base === undefined && branch === undefined) {
    problems.push({
      path: [],
      message: `${repoTop} is on a detached HEAD and there is no base:; add e.g. base: main to name the branch workers start from.`,
    });
  }
  if (base === undefined && branch !== undefined && headCommit === undefined) {
    problems.push({
      path: [],
      message: `${repoTop} has no commits yet, so there is nothing for workers to start from; commit something first, e.g. git commit --allow-empty -m "Start".`,
    });
  }
  const worktreesProblem = worktreesInsideRepo(written, configDir, repoTop);
  if (worktreesProblem !== undefined) problems.push(worktreesProblem);
  return { repoTop, currentBranch: branch };
}

/**
 * `worktrees:` inside the repository would make every worktree an untracked embedded repository in the main
 * checkout (git status shows them; `git add -A` there would add them as gitlinks).
 */
function worktreesInsideRepo(written: WrittenConfig, configDir: string, repoTop: string): Problem | undefined {
  if (written.worktrees === undefined) return undefined;
  // git reports the top level with symlinks resolved; resolve the config's folder the same way before comparing.
  const worktrees = path.resolve(resolveLinksSync(configDir), written.worktrees);
  const relative = path.relative(repoTop, worktrees);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const beside = path.relative(configDir, path.join(path.dirname(repoTop), `${path.basename(repoTop)}-workers`));
  return problemAt(
    ['worktrees'],
    `${worktrees} is inside the repository ${repoTop}, whose main checkout would then list each worktree as an embedded repository; put it beside the repository, e.g. worktrees: ${beside}.`,
  );
}
