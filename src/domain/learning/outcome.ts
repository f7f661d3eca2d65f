import * as z from 'zod';
import { parseLearningLine } from './learning-line.js';
import type { LessonEvidence } from './lesson-evidence.js';

/**
 * One finished task as the record keeps it: who did what kind of work where, and how it went by czar's own verdicts
 * (checks, review, integration), never by the agent's word. One JSON line each in the per-user record; a later line
 * with the same `id` (the task reached the integration branch after it was verified) replaces the earlier one.
 */

export const OUTCOME_ENDS = ['verified', 'integrated', 'gave_up', 'cancelled'] as const;
export type OutcomeEnd = (typeof OUTCOME_ENDS)[number];

const text = (max: number) => z.string().min(1).max(max);

export const OutcomeSchema = z.strictObject({
  v: z.literal(1),
  /** Names the task in its sprint: repository, sprint start, worker and task id. */
  id: text(400),
  at: z.iso.datetime(),
  /** The repository's identity: its root commit(s), not its folder (a clone elsewhere is the same project). */
  repo: text(200),
  kind: text(120),
  /** Folders the task's files are in (`src/domain`), at most MAX_AREAS. */
  areas: z.array(text(200)).max(8),
  /** The agent as the config names it, and its make (preset). */
  agent: text(80),
  preset: text(40),
  /** The model its records name (undefined when it keeps none czar can read). */
  model: text(120).optional(),
  end: z.enum(OUTCOME_ENDS),
  /** Verified on its first done claim: no check failed and no review sent it back. */
  firstTry: z.boolean(),
  /** Names of the checks that failed on its done claims, in order. */
  checkFailures: z.array(text(80)).max(20),
  reviewRounds: z.number().int().min(0),
  /** The reviews' verdicts in order (`changes_requested`, `approved`). */
  verdicts: z.array(text(40)).max(20),
  nudges: z.number().int().min(0),
  restarts: z.number().int().min(0),
  /** From the task's delivery to its end. */
  minutes: z.number().min(0),
  /** What it spent, reviews included (undefined when unknown, never zero). */
  usd: z.number().min(0).optional(),
  integrated: z.boolean(),
  /** The lessons its brief carried (their ids): a first try credits them. */
  lessons: z
    .array(z.string().regex(/^L[0-9a-f]{8}$/))
    .max(8)
    .optional(),
});
export type Outcome = z.infer<typeof OutcomeSchema>;

export const MAX_AREAS = 8;

/** An outcome line, or why it is not one (corrupt JSON, a line of another version or program). */
export function parseOutcome(line: string): Outcome | string {
  return parseLearningLine(OutcomeSchema, line, 'an outcome');
}

/**
 * The task's kind: its own `kind:` when given, else its role, else the top folders of its scope (`src+tests`), else
 * `any`. Outcomes of one kind are compared when routing.
 */
export function taskKind(kind: string | undefined, role: string | undefined, scope: readonly string[]): string {
  if (kind !== undefined) return kind;
  if (role !== undefined) return role;
  const tops = [...new Set(scope.map((glob) => glob.replace(/^\.\//, '').split('/')[0] ?? ''))]
    .filter((top) => top !== '' && !/[*?[{]/.test(top))
    .sort();
  return tops.length === 0 ? 'any' : tops.join('+').slice(0, 120);
}

/** The folders the files are in, two levels deep at most (`src/domain`), `.` for top-level files; bounded. */
export function fileAreas(files: readonly string[]): string[] {
  const areas = files.map((file) => {
    const parts = file.split('/').slice(0, -1);
    return parts.length === 0 ? '.' : parts.slice(0, 2).join('/');
  });
  return [...new Set(areas)]
    .map((area) => area.slice(0, 200))
    .sort()
    .slice(0, MAX_AREAS);
}

/** What a worker's current task went through so far (kept in its memory); `task` is its number (1-based) among the worker's tasks. */
export interface OutcomeTrack {
  readonly task: number;
  readonly checkFailures: readonly string[];
  readonly reviewRounds: number;
  readonly verdicts: readonly string[];
  readonly nudges: number;
  readonly restarts: number;
  /** What it met on its way (failed checks, review findings, conflicts): lessons once it is verified. */
  readonly evidence?: readonly LessonEvidence[] | undefined;
  /** Hand-overs of the task before this track's agent took it (absent: none). */
  readonly handOvers?: number | undefined;
  /** The outcome recorded when the task ended (a `verified` one is recorded again once it is `integrated`). */
  readonly recorded?: Outcome | undefined;
}
