import type { Outcome } from './outcome.js';
import { latestById } from './learning-line.js';

/**
 * What czar has learned, as the fleet model holds it: the repository's identity (its root commits, so a clone
 * elsewhere is the same project and another repository with the same folder name is not) and the record's outcomes,
 * oldest first, each task's latest.
 */
export interface Learning {
  readonly repo: string;
  readonly outcomes: readonly Outcome[];
}

/** Each task's latest outcome (a later line for the same task replaces the earlier one), oldest first. */
export const latestOutcomes: (outcomes: readonly Outcome[]) => Outcome[] = latestById;

/** The record with the outcomes of this pass added. */
export function withOutcomes(learning: Learning, added: readonly Outcome[]): Learning {
  return added.length === 0 ? learning : { ...learning, outcomes: latestOutcomes([...learning.outcomes, ...added]) };
}

/** Outcomes older than this age out of the record: agents and models change, and so do their strengths. */
export const OUTCOME_MAX_AGE_MS = 180 * 24 * 3_600_000;

/** The outcomes a trimmed record keeps: each task's latest, none older than OUTCOME_MAX_AGE_MS. */
export function keptOutcomes(outcomes: readonly Outcome[], now: number): Outcome[] {
  return latestOutcomes(outcomes).filter((outcome) => now - Date.parse(outcome.at) <= OUTCOME_MAX_AGE_MS);
}
