import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isFolderSync, pathExistsSync, readUtf8, resolveLinksSync } from '../adapters/file-system.js';
import {
  branchExists,
  currentBranch,
  isBareRepository,
  isValidBranchName,
  revParse,
  topLevel,
} from '../adapters/git.js';
import { readTextFile, type TextFileReading } from '../adapters/text-file.js';
import { CzarError } from '../domain/errors.js';
import { MAX_TASK_BYTES } from '../domain/limits.js';
import type { Config } from '../domain/config-types.js';
import { configError, formatProblems, problemAt, type Problem } from './problems.js';
import { normalise } from './normalise.js';
import type { WrittenConfig } from './schema.js';
import type { SourceMap } from './source-map.js';
import { checkConfigText } from './validate.js';

/** The file `czar` looks for in the current folder and its parents. */
export const CONFIG_FILE_NAME = 'czar.yaml';

/** czar's own role prompts; two levels up is the package root from src/config (tsx) and dist/config (build). */
export const BUILTIN_ROLES_DIR = fileURLToPath(new URL('../../prompts/roles/', import.meta.url));

export interface LoadOptions {
  /** Where czar's own `prompts/roles/` live (tests point it elsewhere). */
  readonly builtinRolesDir?: string;
}

/** The config file to use: an explicit `-c` path, else `czar.yaml` in `cwd` or the nearest parent that has one. */
export function findConfig(cwd: string, explicit?: string): string {
  if (explicit !== undefined && explicit !== '') {
    const file = path.resolve(cwd, explicit);
    if (!pathExistsSync(file)) throw missingConfig(file);
    return file;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const file = path.join(dir, CONFIG_FILE_NAME);
    if (pathExistsSync(file)) return file;
    if (path.dirname(dir) === dir) break;
  }
  throw new CzarError(
    'config_missing',
    `No ${CONFIG_FILE_NAME} in ${path.resolve(cwd)} or any folder above it; run "czar init" to create one, or pass -c <file>.`,
    { exitCode: 2 },
  );
}

function missingConfig(file: string): CzarError {
  return new CzarError(
    'config_missing',
    `No config file at ${file}; run "czar init" to create one, or pass -c <file>.`,
    { exitCode: 2 },
  );
}

/** How the config file is named in messages: relative to the current folder when it is below it. */
function displayName(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

async function readText(file: string): Promise<string | undefined> {
  return readUtf8(file).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR')
      return undefined;
    throw error;
  });
}

/** Every task and role entry that may name a file, with its key path. */
function entries(
  written: WrittenConfig,
): { path: (string | number)[]; taskFile: string | undefined; role: string | undefined }[] {
  return [
    ...written.workers.map((worker, index) => ({
      path: ['workers', index],
      taskFile: worker.task_file,
      role: worker.role,
    })),
    ...(written.bonus ?? []).map((bonus, index) => ({
      path: ['bonus', index],
      taskFile: bonus.task_file,
      role: bonus.role,
    })),
  ];
}

/** What is wrong with a task file, as the rest of a sentence that starts with its key path; undefined when nothing. */
function taskFileProblem(
  reading: TextFileReading,
  written: string,
  file: string,
  configName: string,
): string | undefined {
  const named = `"${written}" (${file})`;
  if (reading.ok) return reading.text.trim() === '' ? `${named} is empty; write the task in it.` : undefined;
  switch (reading.problem) {
    case 'missing':
      return `"${written}" was not found at ${file}; create it or fix the path, which is relative to the folder of ${configName}.`;
    case 'folder':
      return `${named} ${reading.reason}; name the task's file, e.g. ${written.replace(/\/+$/, '')}/task.md.`;
    case 'too_big':
      return `${named} ${reading.reason}, the most czar pastes as a task; shorten it, and leave the detail in files the worker reads in its worktree.`;
    case 'not_text':
      return `${named} ${reading.reason}; a task is pasted into the agent as text, so save it as UTF-8 text.`;
    case 'not_file':
    case 'unreadable':
      return `${named} ${reading.reason}; make it a readable text file, or fix the path, which is relative to the folder of ${configName}.`;
  }
}

/** The first role prompt that exists, read as a task is (it is pasted before the task); undefined when none exists. */
async function readRole(places: readonly string[]): Promise<{ file: string; reading: TextFileReading } | undefined> {
  for (const file of places) {
    const reading = await readTextFile(file, MAX_TASK_BYTES);
    if (reading.ok || reading.problem !== 'missing') return { file, reading };
  }
  return undefined;
}

function roleProblem(
  role: string,
  places: readonly string[],
  found: { file: string; reading: TextFileReading } | undefined,
): string {
  if (found === undefined || found.reading.ok)
    return `"${role}" has no role prompt; looked for ${places.join(' and ')}; create one of them or remove role:.`;
  const fix =
    found.reading.problem === 'folder'
      ? "put the role's text in that file"
      : found.reading.problem === 'not_text'
        ? 'save it as UTF-8 text'
        : found.reading.problem === 'too_big'
          ? 'shorten it'
          : 'make it a readable text file';
  return `"${role}" has a role prompt ${found.file} that ${found.reading.reason}; ${fix}.`;
}

/** Reads task files and role prompts; each one missing is a problem at the key that named it. */
async function readReferencedFiles(
  written: WrittenConfig,
  configFile: string,
  builtinRolesDir: string,
  problems: Problem[],
) {
  const configDir = path.dirname(configFile);
  const configName = path.basename(configFile);
  const taskFiles = new Map<string, string>();
  const roles = new Map<string, string>();
  const missingRoles = new Set<string>();
  for (const entry of entries(written)) {
    if (entry.taskFile !== undefined && !taskFiles.has(entry.taskFile)) {
      const file = path.resolve(configDir, entry.taskFile);
      const reading = await readTextFile(file, MAX_TASK_BYTES);
      const problem = taskFileProblem(reading, entry.taskFile, file, configName);
      if (problem !== undefined) problems.push(problemAt([...entry.path, 'task_file'], problem));
      else if (reading.ok) taskFiles.set(entry.taskFile, reading.text);
    }
    if (entry.role !== undefined && !roles.has(entry.role)) {
      const places = [
        path.join(configDir, 'prompts', 'roles', `${entry.role}.md`),
        path.join(builtinRolesDir, `${entry.role}.md`),
      ];
      const found = missingRoles.has(entry.role) ? undefined : await readRole(places);
      if (found?.reading.ok === true) {
        roles.set(entry.role, found.reading.text);
      } else {
        missingRoles.add(entry.role);
        problems.push(problemAt([...entry.path, 'role'], roleProblem(entry.role, places, found)));
      }
    }
  }
  return { taskFiles, roles };
}

/** Asks git about the repository and branches the config names; each problem is placed at the key concerned. */
async function gitFacts(written: WrittenConfig, configFile: string, problems: Problem[]) {
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
  const repoTop = await topLevel(repoDir);
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
  const branch = await currentBranch(repoTop);
  const writtenBranches = written.workers.flatMap((worker, index) =>
    worker.branch === undefined ? [] : [{ path: ['workers', index, 'branch'], name: worker.branch }],
  );
  const base = written.base === undefined ? undefined : { path: ['base'], name: written.base };
  const checks = await Promise.all(
    [...writtenBranches, ...(base === undefined ? [] : [base])].map(async (entry) => ({
      entry,
      valid: await isValidBranchName(repoTop, entry.name),
    })),
  );
  for (const { entry, valid } of checks) {
    if (!valid)
      problems.push(
        problemAt(
          entry.path,
          `"${entry.name}" is not a valid git branch name; pick a name git accepts (no spaces, "..", "~", "^", ":" or trailing "/"), e.g. feat/gateway.`,
        ),
      );
  }
  if (
    base !== undefined &&
    checks.find((check) => check.entry === base)?.valid === true &&
    !(await branchExists(repoTop, base.name))
  ) {
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
  if (base === undefined && branch !== undefined && (await revParse(repoTop, 'HEAD')) === undefined) {
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

/**
 * Reads, checks and resolves a config file: syntax, schema and rules first (all problems at once), then the files
 * and git facts it refers to (again all at once), then `normalise`. Throws one `CzarError('config_invalid')`
 * whose details list every problem as `czar.yaml:line:col: sentence`.
 */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<Config> {
  const absolute = path.resolve(file);
  if (isFolderSync(absolute)) {
    throw new CzarError(
      'config_missing',
      `${absolute} is a folder, not a config file; remove or rename it, then run "czar init", or pass -c <file>.`,
      { exitCode: 2 },
    );
  }
  const text = await readText(absolute);
  if (text === undefined) throw missingConfig(absolute);
  const label = displayName(absolute);
  const checked = checkConfigText(text, label);
  if (!checked.ok) throw configError(checked.problems);
  const { written, map } = checked;

  const problems: Problem[] = [];
  const [files, facts] = await Promise.all([
    readReferencedFiles(written, absolute, options.builtinRolesDir ?? BUILTIN_ROLES_DIR, problems),
    gitFacts(written, absolute, problems),
  ]);
  if (problems.length > 0 || facts === undefined) throw configError(formatProblems(problems, map, label));
  return normalise(written, { file: absolute, ...facts, ...files, lineOf: lineOf(map) });
}

function lineOf(map: SourceMap) {
  return (at: readonly PropertyKey[]): number => map.keyAt(at).line;
}
