import { findingLine, outputHead } from '../learning/hand-over-text.js';
import { lessonId, LESSONS_PER_TASK, type Lesson } from '../learning/lesson.js';
import { evidence, type LessonEvidence } from '../learning/lesson-evidence.js';
import { fileAreas, type Outcome, type OutcomeTrack } from '../learning/outcome.js';
import type { Action } from './actions.js';

/**
 * The lessons' part of the record: what a task met on its way (a failed check, a review's findings, a predicted
 * conflict, a hand-over) is kept in its track, and once the task is verified each becomes a lesson for later briefs
 * of its kind and areas, in the evidence's own words.
 */

/** What an action this policy took says went wrong, as lesson evidence. */
export function evidenceOf(action: Action): LessonEvidence[] {
  if (action.kind === 'fixup') {
    const { failure } = action;
    const run = failure.run.split('\n')[0] ?? '';
    const head = outputHead(failure).split('\n').slice(0, 4).join('\n');
    return [evidence('check', `check "${failure.name}" (${run}) failed:\n${head}`)];
  }
  if (action.kind === 'review_fixup')
    return action.findings
      .slice(0, 2)
      .map((finding) => evidence('review', findingLine(finding), finding.file === undefined ? [] : [finding.file]));
  if (action.kind === 'warn_conflict')
    return action.sides.map((side) =>
      evidence(
        'conflict',
        `conflict predicted with ${side.peer === undefined ? 'base' : `worker ${side.peer}`}'s branch ${side.peerBranch} over ${side.files.join(', ')}`,
        side.files,
      ),
    );
  if (action.kind === 'hand_over') {
    const { evidence: handed } = action;
    const what = handed.check === undefined ? '' : `; last failed check "${handed.check.name}": ${handed.check.head}`;
    return [evidence('hand_over', `${handed.from} gave it up after ${handed.why}${what}`)];
  }
  return [];
}

/** The track with this evidence added: the last few a task met. */
export function withEvidence(track: OutcomeTrack, added: readonly LessonEvidence[]): OutcomeTrack {
  if (added.length === 0) return track;
  return { ...track, evidence: [...(track.evidence ?? []), ...added].slice(-LESSONS_PER_TASK) };
}

/** The lessons a task verified after what its track met leaves, keyed by its repository, kind and areas. */
export function lessonsOf(outcome: Outcome, track: OutcomeTrack, files: readonly string[]): Lesson[] {
  if (outcome.end !== 'verified' && outcome.end !== 'integrated') return [];
  return (track.evidence ?? []).map((met) => ({
    v: 1,
    id: lessonId(outcome.repo, outcome.kind, met.source, met.text),
    at: outcome.at,
    repo: outcome.repo,
    kind: outcome.kind,
    areas: fileAreas(met.files.length === 0 ? files : met.files),
    source: met.source,
    text: met.text,
    files: [...(met.files.length === 0 ? files : met.files)].slice(0, 8),
  }));
}
