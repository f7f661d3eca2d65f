import {
  appendLearningLine,
  learningDir,
  lessonsFile,
  outcomesFile,
  readOutcomes,
  repositoryIdentity,
  type LearningReading,
} from '../../adapters/learning-files.js';
import { keptOutcomes, type Learning } from '../../domain/learning/learning.js';
import { parseOutcome, type Outcome } from '../../domain/learning/outcome.js';
import { latestLessons, MAX_LESSONS, parseLesson, type Lesson } from '../../domain/learning/lesson.js';
import type { Fleet } from '../../fleet/handle.js';

/**
 * The czar's side of the per-user record: read it into the model when the czar starts, append each outcome the
 * policy records. A record that cannot be read or written costs the learning, never the sprint.
 */

/** The model's learning at start: this repository's identity and the record (skipped lines said once in the log). */
export async function loadLearning(fleet: Fleet): Promise<Learning | undefined> {
  const reading = await readOutcomes().catch(async (error: unknown) => {
    await fleet.log.emit('record_unreadable', `the record of outcomes could not be read: ${String(error)}`);
    return undefined;
  });
  if (reading === undefined) return undefined;
  if (reading.skipped > 0) await fleet.log.emit('record_skipped', skippedWarning(reading));
  return { repo: await repositoryIdentity(fleet.config.repo), outcomes: reading.items };
}

/** One line for the lines a record reading skipped. */
export function skippedWarning(reading: LearningReading<unknown>): string {
  return `skipped ${reading.skipped} line(s) of the record that are not czar outcomes (first: ${reading.problem ?? 'unknown'}); they stay in the file and are ignored`;
}

/** Appends the outcome to the record; a failed write is said in the log. */
export async function recordOutcome(fleet: Fleet, outcome: Outcome, reason: string, worker: string): Promise<void> {
  const dir = learningDir();
  if (dir === undefined) return;
  try {
    await appendLearningLine(outcomesFile(dir), outcome, parseOutcome, (items) => keptOutcomes(items, Date.now()));
    await fleet.log.emit('outcome', `recorded: ${reason}`, worker, { kind: outcome.kind, end: outcome.end });
  } catch (error) {
    await fleet.log.emit('record_unwritable', `the outcome could not be recorded: ${String(error)}`, worker);
  }
}

/** Appends a task's lessons to the record (one write after the other, so a trim never races an append). */
export async function recordLessons(
  fleet: Fleet,
  lessons: readonly Lesson[],
  reason: string,
  worker: string,
): Promise<void> {
  const dir = learningDir();
  if (dir === undefined) return;
  try {
    for (const lesson of lessons)
      await appendLearningLine(lessonsFile(dir), lesson, parseLesson, (items) =>
        latestLessons(items).slice(-MAX_LESSONS),
      );
    await fleet.log.emit(
      'lessons',
      `kept ${lessons.length} lesson(s) ${reason}: ${lessons.map((lesson) => lesson.id).join(', ')}`,
      worker,
      { lessons: lessons.map((lesson) => lesson.id) },
    );
  } catch (error) {
    await fleet.log.emit('record_unwritable', `the lessons could not be kept: ${String(error)}`, worker);
  }
}
