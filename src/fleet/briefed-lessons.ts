import path from 'node:path';
import { readJson, writeJsonAtomic } from '../adapters/state-files.js';
import type { Config } from '../domain/config-types.js';
import { parseLesson, type Lesson } from '../domain/learning/lesson.js';
import type { StatePaths } from '../domain/paths.js';

/**
 * The lessons each worker's brief carries this sprint (`.czar/lessons.json`): chosen once, before the launch, and
 * read by every later command and czar, so a restart or a hand-over pastes the same ones and the outcome credits them.
 */
export interface BriefedLessons {
  readonly worker: string;
  readonly lessons: readonly Lesson[];
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
  return entries.flatMap((entry: unknown) => {
    const { worker, lessons } = (entry ?? {}) as { worker?: unknown; lessons?: unknown };
    if (typeof worker !== 'string' || !Array.isArray(lessons)) return [];
    const parsed = lessons.map((lesson) => parseLesson(JSON.stringify(lesson)));
    return [{ worker, lessons: parsed.filter((lesson): lesson is Lesson => typeof lesson !== 'string') }];
  });
}

export async function writeBriefed(paths: StatePaths, entries: readonly BriefedLessons[]): Promise<void> {
  await writeJsonAtomic(briefedFile(paths), entries);
}

/** The config with each worker's brief carrying the lessons chosen for it. */
export function withLessons(config: Config, entries: readonly BriefedLessons[]): Config {
  if (entries.length === 0) return config;
  const workers = config.workers.map((spec) => {
    const entry = entries.find((candidate) => candidate.worker === spec.name);
    return entry === undefined || entry.lessons.length === 0 ? spec : { ...spec, lessons: entry.lessons };
  });
  return { ...config, workers };
}
