import { appendFile, chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { git } from './git.js';
import { writeAtomic } from './state-files.js';
import { latestOutcomes } from '../domain/learning/learning.js';
import { parseOutcome, type Outcome } from '../domain/learning/outcome.js';
import { latestLessons, parseLesson, type Lesson } from '../domain/learning/lesson.js';

/**
 * The per-user record of what czar learned (outcomes, lessons): JSON lines under `$CZAR_LEARN_DIR`, else
 * `$XDG_STATE_HOME/czar`, else `~/.local/state/czar`. Outside every worktree and `.czar/`, so a purge or a removed
 * worktree keeps it; `CZAR_LEARN=off` turns it off. Corrupt or foreign lines are skipped and counted, never fatal.
 */

/** The record's folder, or undefined when the person turned it off. */
export function learningDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CZAR_LEARN === 'off') return undefined;
  if (env.CZAR_LEARN_DIR !== undefined && env.CZAR_LEARN_DIR !== '') return path.resolve(env.CZAR_LEARN_DIR);
  const state =
    env.XDG_STATE_HOME !== undefined && env.XDG_STATE_HOME !== ''
      ? env.XDG_STATE_HOME
      : path.join(homedir(), '.local', 'state');
  return path.join(state, 'czar');
}

export function outcomesFile(dir: string): string {
  return path.join(dir, 'outcomes.jsonl');
}

export function lessonsFile(dir: string): string {
  return path.join(dir, 'lessons.jsonl');
}

/** The record's lessons, each id's latest; `undefined` when the record is off. */
export async function readLessons(env: NodeJS.ProcessEnv = process.env): Promise<LearningReading<Lesson> | undefined> {
  const dir = learningDir(env);
  if (dir === undefined) return undefined;
  const reading = await readLearningFile(lessonsFile(dir), parseLesson);
  return { ...reading, items: latestLessons(reading.items) };
}

/** The record's outcomes, each task's latest; `undefined` when the record is off. */
export async function readOutcomes(
  env: NodeJS.ProcessEnv = process.env,
): Promise<LearningReading<Outcome> | undefined> {
  const dir = learningDir(env);
  if (dir === undefined) return undefined;
  const reading = await readLearningFile(outcomesFile(dir), parseOutcome);
  return { ...reading, items: latestOutcomes(reading.items) };
}

/** What a learning file (outcomes or lessons) held: the items that parsed, and how many lines did not (with the first one's problem). */
export interface LearningReading<T> {
  readonly items: T[];
  readonly skipped: number;
  readonly problem?: string | undefined;
}

/** Past this size a record is trimmed to its newest half on the next append, so it stays bounded. */
const MAX_BYTES = 2_000_000;

export async function readLearningFile<T>(
  file: string,
  parse: (line: string) => T | string,
): Promise<LearningReading<T>> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const items: T[] = [];
  let skipped = 0;
  let problem: string | undefined;
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = parse(line);
    if (typeof parsed !== 'string') {
      items.push(parsed);
      return;
    }
    skipped++;
    problem ??= `${file}:${index + 1}: ${parsed}`;
  });
  return { items, skipped, problem };
}

/** Appends one item; a record past its size keeps the items `keep` keeps (the newest, the recent) and drops the rest. */
export async function appendLearningLine<T>(
  file: string,
  item: T,
  parse: (line: string) => T | string,
  keep: (items: T[]) => T[],
): Promise<void> {
  await ensureFolder(path.dirname(file));
  await appendFile(file, `${JSON.stringify(item)}\n`, { mode: 0o600 });
  const size = await stat(file).then((info) => info.size);
  if (size <= MAX_BYTES) return;
  const { items } = await readLearningFile(file, parse);
  const kept = keep(items).slice(-Math.floor(items.length / 2));
  await writeLearningLines(
    file,
    kept.map((kept) => JSON.stringify(kept)),
  );
}

/** Replaces the record with these lines (a person's `forget`, a trim). */
export async function writeLearningLines(file: string, lines: readonly string[]): Promise<void> {
  await ensureFolder(path.dirname(file));
  await writeAtomic(file, lines.map((line) => `${line}\n`).join(''));
}

/** The record holds which projects a person worked on: private to the user, as czar's registry is. */
async function ensureFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/**
 * The repository's identity: its root commits (sorted, joined by `+`), the same in every clone and different for
 * another project with the same folder name; `unborn` for a repository with no commit yet.
 */
export async function repositoryIdentity(repo: string): Promise<string> {
  const result = await git(repo, ['rev-list', '--max-parents=0', 'HEAD'], { allowFailure: true });
  const roots = result.exitCode === 0 ? result.stdout.split('\n').filter((line) => /^[0-9a-f]{40,64}$/.test(line)) : [];
  return roots.length === 0 ? 'unborn' : roots.sort().join('+').slice(0, 200);
}
