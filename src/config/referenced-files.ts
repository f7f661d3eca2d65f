import path from 'node:path';
import { resolveLinks } from '../adapters/file-system.js';
import { readTextFile, type TextFileReading } from '../adapters/text-file.js';
import { MAX_TASK_BYTES } from '../domain/model/limits.js';
import { problemAt, type Problem } from './problems.js';
import type { WrittenConfig } from './schema.js';

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
    ...reviewEntries(written),
  ];
}

/** The reviewers' roles, fleet-wide and per worker, read like any other role. */
function reviewEntries(written: WrittenConfig): { path: (string | number)[]; taskFile: undefined; role: string }[] {
  const found: { path: (string | number)[]; taskFile: undefined; role: string }[] = [];
  if (typeof written.review === 'object' && written.review.role !== undefined)
    found.push({ path: ['review'], taskFile: undefined, role: written.review.role });
  written.workers.forEach((worker, index) => {
    if (typeof worker.review === 'object' && worker.review.role !== undefined)
      found.push({ path: ['workers', index, 'review'], taskFile: undefined, role: worker.review.role });
  });
  return found;
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
export async function readReferencedFiles(
  written: WrittenConfig,
  configFile: string,
  builtinRolesDir: string,
  problems: Problem[],
) {
  const configDir = path.dirname(configFile);
  const configName = path.basename(configFile);
  const taskFiles = new Map<string, string>();
  // Where each task file really is (links followed), with the first key that named it.
  const taskFilePlaces = new Map<string, { at: (string | number)[]; real: string }>();
  const roles = new Map<string, string>();
  const missingRoles = new Set<string>();
  for (const entry of entries(written)) {
    if (entry.taskFile !== undefined && !taskFiles.has(entry.taskFile)) {
      const file = path.resolve(configDir, entry.taskFile);
      const reading = await readTextFile(file, MAX_TASK_BYTES);
      const problem = taskFileProblem(reading, entry.taskFile, file, configName);
      if (problem !== undefined) problems.push(problemAt([...entry.path, 'task_file'], problem));
      else if (reading.ok) {
        taskFiles.set(entry.taskFile, reading.text);
        taskFilePlaces.set(entry.taskFile, { at: [...entry.path, 'task_file'], real: await resolveLinks(file) });
      }
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
  return { files: { taskFiles, roles }, taskFilePlaces };
}

/**
 * Task files that resolve outside the repository (`../notes.md`, a link to `~/.ssh/id_ed25519`): their text would go
 * to the agent and its model provider without a word, so each is a problem unless the config opts in.
 */
export function taskFilesOutside(
  written: WrittenConfig,
  places: ReadonlyMap<string, { at: (string | number)[]; real: string }>,
  repoTop: string,
): Problem[] {
  if (written.task_files_outside_repo === true) return [];
  return [...places].flatMap(([named, { at, real }]) => {
    const relative = path.relative(repoTop, real);
    if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) return [];
    return [
      problemAt(
        at,
        `"${named}" resolves to ${real}, outside the repository ${repoTop}, and czar pastes a task's text to the agent and so to its model provider; move the task into the repository, or set task_files_outside_repo: true if that file is meant to go.`,
      ),
    ];
  });
}
