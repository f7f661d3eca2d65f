import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { documentCwd, type DocumentToLines } from './document-reader.js';
import { firstTranscriptLine } from './transcript-reader.js';

/** Days of Codex rollout folders looked at, back from today: a sprint longer than this is not expected. */
const CODEX_DAYS = 14;

/**
 * A folder's entries; none when it is missing. Most folders looked at are missing (no session yet, no subagents), and
 * a failed readdir builds an error with its stack each time: a cheap existence check first keeps that off every look.
 */
async function entries(dir: string): Promise<import('node:fs').Dirent[]> {
  if (!existsSync(dir)) return [];
  return readdir(dir, { withFileTypes: true }).catch(() => []);
}

/**
 * Claude Code session transcripts in `dirs` and their subagents' transcripts (measured with 2.1.197:
 * `<dir>/<session>.jsonl` and `<dir>/<session>/subagents/agent-<id>.jsonl`; newer versions nest workflows deeper).
 */
export async function claudeTranscriptFiles(dirs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const dir of dirs) {
    for (const entry of await entries(dir)) {
      if (!entry.isFile() || !entry.name.endsWith('.jsonl')) continue;
      files.push(path.join(dir, entry.name));
      files.push(...(await jsonlBelow(path.join(dir, entry.name.slice(0, -'.jsonl'.length), 'subagents'), 3)));
    }
  }
  return [...new Set(files)];
}

async function jsonlBelow(dir: string, depth: number): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await entries(dir)) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && entry.name.endsWith('.jsonl')) found.push(full);
    else if (entry.isDirectory() && depth > 0) found.push(...(await jsonlBelow(full, depth - 1)));
  }
  return found;
}

/**
 * Codex rollouts of one working directory, from the last CODEX_DAYS date folders. `known` caches each file's
 * directory (read once from its `session_meta` first line), so a rollout is opened for this only once.
 */
export async function codexRolloutFiles(
  sessionsDir: string,
  cwd: string,
  now: number,
  known: Map<string, string | undefined>,
): Promise<string[]> {
  const files: string[] = [];
  for (let day = 0; day < CODEX_DAYS; day += 1) {
    const date = new Date(now - day * 86_400_000);
    const dir = path.join(
      sessionsDir,
      String(date.getFullYear()),
      String(date.getMonth() + 1).padStart(2, '0'),
      String(date.getDate()).padStart(2, '0'),
    );
    for (const entry of await entries(dir)) {
      if (!entry.isFile() || !entry.name.startsWith('rollout-') || !entry.name.endsWith('.jsonl')) continue;
      const file = path.join(dir, entry.name);
      if (!known.has(file)) known.set(file, await firstLineCwd(file));
      if (known.get(file) === cwd) files.push(file);
    }
  }
  return files;
}

/**
 * The transcripts of one working directory among an agent's session folders, `<sessionsDir>/<session>/<file>`
 * (GitHub Copilot CLI 1.0: `session-state/<uuid>/events.jsonl`). `known` caches each file's directory as above.
 */
export async function sessionFolderFiles(
  sessionsDir: string,
  file: string,
  cwd: string,
  known: Map<string, string | undefined>,
): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await entries(sessionsDir)) {
    if (!entry.isDirectory()) continue;
    const records = path.join(sessionsDir, entry.name, file);
    // A session folder is made at start and its first line written a moment later: look again until it names one.
    // Its folder outlives a transcript that is removed.
    if (!existsSync(records)) continue;
    if (known.get(records) === undefined) {
      const found = await firstLineCwd(records);
      if (found !== undefined) known.set(records, found);
    }
    if (known.get(records) === cwd) files.push(records);
  }
  return files;
}

/**
 * The session documents of one working directory in `dir` (Auggie 0.36: `~/.augment/sessions/<uuid>.json`): `known`
 * caches each file's directory, read once from the first line `toLines` makes of it.
 */
export async function documentFiles(
  dir: string,
  suffix: string,
  cwd: string,
  toLines: DocumentToLines,
  known: Map<string, string | undefined>,
): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await entries(dir)) {
    if (!entry.isFile() || !entry.name.endsWith(suffix)) continue;
    const file = path.join(dir, entry.name);
    // Written before its first turn names a folder: look again until it names one.
    if (known.get(file) === undefined) {
      const found = await documentCwd(file, toLines);
      if (found !== undefined) known.set(file, found);
    }
    if (known.get(file) === cwd) files.push(file);
  }
  return files;
}

/**
 * The folder a transcript's first line names: a Codex rollout's `session_meta` (`payload.cwd`) or a Copilot
 * session's `session.start` (`data.context.cwd`).
 */
async function firstLineCwd(file: string): Promise<string | undefined> {
  const line = await firstTranscriptLine(file);
  try {
    const meta = (line === undefined ? undefined : JSON.parse(line)) as
      { type?: unknown; payload?: { cwd?: unknown }; data?: { context?: { cwd?: unknown } } } | undefined;
    const cwd =
      meta?.type === 'session_meta'
        ? meta.payload?.cwd
        : meta?.type === 'session.start'
          ? meta.data?.context?.cwd
          : undefined;
    return typeof cwd === 'string' ? cwd : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Gemini CLI session files of one working directory (measured with 0.61.0): `projects.json` maps the directory to
 * a short name, and the sessions are `tmp/<short name>/chats/session-*.jsonl`.
 */
export async function geminiSessionFiles(geminiDir: string, cwd: string): Promise<string[]> {
  let short: unknown;
  try {
    const projects = JSON.parse(await readFile(path.join(geminiDir, 'projects.json'), 'utf8')) as {
      projects?: Record<string, unknown>;
    };
    short = projects.projects?.[cwd];
  } catch {
    return [];
  }
  if (typeof short !== 'string' || short === '' || short.includes('/') || short.startsWith('.')) return [];
  const chats = path.join(geminiDir, 'tmp', short, 'chats');
  return (await entries(chats))
    .filter((entry) => entry.isFile() && entry.name.startsWith('session-') && entry.name.endsWith('.jsonl'))
    .map((entry) => path.join(chats, entry.name));
}
