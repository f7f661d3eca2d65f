import {
  learningDir,
  lessonsFile,
  readLessons,
  readOutcomes,
  repositoryIdentity,
  writeRecordLines,
} from '../adapters/learning-files.js';
import { ensureStateDir } from '../adapters/state-files.js';
import {
  creditOf,
  DROP_AFTER,
  lessonsFor,
  MAX_LESSONS,
  scopeAreas,
  stoppedHelping,
  type Lesson,
} from '../domain/learning/lesson.js';
import { taskKind, type Outcome } from '../domain/learning/outcome.js';
import { readBriefed, withLessons, writeBriefed, type BriefedLessons } from '../fleet/briefed-lessons.js';
import type { Fleet } from '../fleet/handle.js';

/**
 * Chooses, before the launch, the lessons each worker's brief carries (its kind's and its scope's areas', in this
 * repository), saves the choice so every later command pastes the same ones, and drops from the record the lessons
 * that stopped helping. The record off (`CZAR_LEARN=off`) or unreadable: no lessons, never a failed launch.
 */
export async function briefLessons(fleet: Fleet): Promise<readonly BriefedLessons[]> {
  const { config, paths } = fleet;
  const briefed = await readBriefed(paths);
  const open = config.workers.filter((spec) => !briefed.some((entry) => entry.worker === spec.name));
  if (open.length === 0) {
    fleet.config = withLessons(config, briefed);
    return [];
  }
  const [lessons, outcomes] = await Promise.all([
    readLessons().catch(() => undefined),
    readOutcomes().catch(() => undefined),
  ]);
  if (lessons === undefined) return [];
  const kept = await pruneLessons(fleet, lessons.items, outcomes?.items ?? []);
  const repo = await repositoryIdentity(config.repo);
  const added = open.map((spec) => ({
    worker: spec.name,
    lessons: lessonsFor(kept, outcomes?.items ?? [], {
      repo,
      kind: taskKind(spec.kind, spec.role, spec.scope),
      areas: scopeAreas(spec.scope),
    }),
  }));
  await ensureStateDir(paths);
  await writeBriefed(paths, [...briefed, ...added]);
  for (const entry of added.filter((candidate) => candidate.lessons.length > 0))
    await fleet.log.emit(
      'lessons_briefed',
      `its brief carries ${entry.lessons.length} lesson(s): ${entry.lessons.map((lesson) => lesson.id).join(', ')}`,
      entry.worker,
      { lessons: entry.lessons.map((lesson) => lesson.id) },
    );
  fleet.config = withLessons(config, [...briefed, ...added]);
  return added;
}

/** The record's lessons less those that stopped helping and the oldest past the bound; the file follows. */
async function pruneLessons(fleet: Fleet, lessons: readonly Lesson[], outcomes: readonly Outcome[]): Promise<Lesson[]> {
  const dropped = lessons.filter((lesson) => stoppedHelping(creditOf(lesson, outcomes)));
  const kept = lessons.filter((lesson) => !dropped.includes(lesson)).slice(-MAX_LESSONS);
  const dir = learningDir();
  if (kept.length === lessons.length || dir === undefined) return kept;
  await writeRecordLines(
    lessonsFile(dir),
    kept.map((lesson) => JSON.stringify(lesson)),
  );
  if (dropped.length > 0)
    await fleet.log.emit(
      'lessons_dropped',
      `dropped ${dropped.length} lesson(s) that stopped helping (carried by ${DROP_AFTER} or more tasks, fewer than a third verified first time): ${dropped.map((lesson) => lesson.id).join(', ')}`,
    );
  return kept;
}
