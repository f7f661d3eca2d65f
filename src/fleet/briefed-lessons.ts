import path from 'node:path';
import { readJson, writeJsonAtomic } from '../adapters/state-files.js';
import type { Config } from '../domain/model/config-types.js';
import { parseLesson, type Lesson } from '../domain/learning/lesson.js';
import type { StatePaths } from '../domain/model/paths.js';

/**
 * The lessons each worker's brief and each bonus task carry this sprint (`.czar/lessons.json`): chosen once, before
 * the launch, and read by every later command and czar, so a restart or a hand-over pastes the same ones and the
 * outcome credits them. An entry names a worker or a bonus task, never both.
 */
export type BriefedLessons =
  | { readonly worker: string; readonly lessons: readonly Lesson[] }
  | { readonly bonus: string; readonly lessons: readonly Lesson[] };

/** The entry for a worker's own brief or for a bonus task. */
export function briefedFor(entries: readonly BriefedLessons[], who: { worker: string } | { bonus: string }) {
  return entries.find((entry) =>
    'worker' in who ? 'worker' in entry && entry.worker === who.worker : 'bonus' in entry && entry.bonus === who.bonus,
  );
}

export function briefedFile(paths: StatePaths): string {
  return path.join(paths.root, 'lessons.json');
}

export async function readBriefed(paths: StatePaths): Promise<BriefedLessons[]> {
  // A state dir in the way (.czar a file) is named by the read that needs it; lessons only refine the config.
  const entries = await readJson<unknown>(briefedFile(paths)).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: unknown): BriefedLessons[] => {
    const { worker, bonus, lessons } = (entry ?? {}) as { worker?: unknown; bonus?: unknown; lessons?: unknown };
    if (!Array.isArray(lessons)) return [];
    const parsed = lessons.map((lesson) => parseLesson(JSON.stringify(lesson)));
    const kept = parsed.filter((lesson): lesson is Lesson => typeof lesson !== 'string');
    if (typeof worker === 'string') return [{ worker, lessons: kept }];
    return typeof bonus === 'string' ? [{ bonus, lessons: kept }] : [];
  });
}

export async function writeBriefed(paths: StatePaths, entries: readonly BriefedLessons[]): Promise<void> {
  await writeJsonAtomic(briefedFile(paths), entries);
}

/** The config with each worker's brief and each bonus task carrying the lessons chosen for it. */
export function withLessons(config: Config, entries: readonly BriefedLessons[]): Config {
  if (entries.length === 0) return config;
  const workers = config.workers.map((spec) => {
    const entry = briefedFor(entries, { worker: spec.name });
    return entry === undefined || entry.lessons.length === 0 ? spec : { ...spec, lessons: entry.lessons };
  });
  const bonus = config.bonus.map((task) => {
    const entry = briefedFor(entries, { bonus: task.id });
    return entry === undefined || entry.lessons.length === 0 ? task : { ...task, lessons: entry.lessons };
  });
  return { ...config, workers, bonus };
}
