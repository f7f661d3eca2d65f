/**
 * What a task met on its way (a failed check, a review's findings, a predicted conflict, a hand-over), kept in its
 * track until it ends: the makings of a lesson (see lesson.ts), bounded here.
 */

export const LESSON_SOURCES = ['check', 'review', 'conflict', 'hand_over'] as const;
export type LessonSource = (typeof LESSON_SOURCES)[number];

/** Characters of one lesson's text: a check's name and first lines, a finding, a list of files. */
export const LESSON_CHARS = 400;

export interface LessonEvidence {
  readonly source: LessonSource;
  readonly text: string;
  readonly files: readonly string[];
}

/** Evidence bounded to a lesson's size. */
export function evidence(source: LessonSource, words: string, files: readonly string[] = []): LessonEvidence {
  return { source, text: words.trim().slice(0, LESSON_CHARS) || source, files: files.slice(0, 8) };
}
