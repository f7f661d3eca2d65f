import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isFolderSync, readUtf8 } from '../adapters/file-system.js';
import { CzarError } from '../domain/model/errors.js';
import { missingConfig } from './find.js';
import type { Config } from '../domain/model/config-types.js';
import { gitFacts } from './git-facts.js';
import { configError, formatProblems, type Problem } from './problems.js';
import { normalise } from './normalise.js';
import { readReferencedFiles, taskFilesOutside } from './referenced-files.js';
import { writtenEntryProblems } from './rules-worker-entry.js';
import { taskChecklistProblems } from './checklists.js';
import type { SourceMap } from './source-map.js';
import { checkConfigText } from './validate.js';

/** czar's own role prompts; two levels up is the package root from src/config (tsx) and dist/config (build). */
export const BUILTIN_ROLES_DIR = fileURLToPath(new URL('../../prompts/roles/', import.meta.url));

export interface LoadOptions {
  /** Where czar's own `prompts/roles/` live (tests point it elsewhere). */
  readonly builtinRolesDir?: string;
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
    );
  }
  const text = await readText(absolute);
  if (text === undefined) throw missingConfig(absolute);
  const label = displayName(absolute);
  const checked = checkConfigText(text, label);
  if (!checked.ok) throw configError(checked.problems);
  const { written, map } = checked;

  const problems: Problem[] = [];
  const [{ files, taskFilePlaces }, facts] = await Promise.all([
    readReferencedFiles(written, absolute, options.builtinRolesDir ?? BUILTIN_ROLES_DIR, problems),
    gitFacts(written, absolute, problems),
  ]);
  if (facts !== undefined) problems.push(...taskFilesOutside(written, taskFilePlaces, facts.repoTop));
  // The base a config does not name is known only now: the entry rules ask again of the branch it resolved to.
  if (facts !== undefined && written.base === undefined)
    problems.push(...writtenEntryProblems(written, facts.currentBranch));
  problems.push(...taskChecklistProblems(written, files.taskFiles, absolute));
  if (problems.length > 0 || facts === undefined) throw configError(formatProblems(problems, map, label));
  return normalise(written, { file: absolute, ...facts, ...files, lineOf: lineOf(map) });
}

function lineOf(map: SourceMap) {
  return (at: readonly PropertyKey[]): number => map.keyAt(at).line;
}
