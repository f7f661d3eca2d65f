import type { WorkerSpec } from '../model/config-types.js';
import type { ReviewStatus } from '../status/status-schema.js';
import { fenced, visible } from '../model/sanitize.js';
import type { ReviewFinding } from '../model/review-verdict.js';
import { fill, placeValues, tidy, type PromptTemplates, type WorkerPlace } from './prompt-template.js';

/** The reviewer's findings as the worker gets them: grouped by file, each with its line, inside one fence. */
export function findingsBlock(summary: string, findings: readonly ReviewFinding[]): string {
  const byFile = new Map<string, ReviewFinding[]>();
  for (const finding of findings) {
    const file = finding.file ?? '(no file)';
    byFile.set(file, [...(byFile.get(file) ?? []), finding]);
  }
  const lines = [`summary: ${visible(summary)}`];
  for (const [file, list] of byFile) {
    lines.push('', visible(file));
    for (const finding of list)
      lines.push(`${visible(file)}:${finding.line ?? '?'} [${finding.severity}] ${visible(finding.text)}`);
  }
  return fenced(lines.join('\n'));
}

export interface ReviewFixupFacts {
  readonly reviewer: string;
  readonly sha: string;
  readonly round: number;
  readonly maxRounds: number;
  readonly summary: string;
  readonly findings: readonly ReviewFinding[];
}

/** The fix-up after a request for changes: the findings (untrusted, fenced, one line each) and what to do next. */
export function renderReviewFixup(templates: PromptTemplates, place: WorkerPlace, facts: ReviewFixupFacts): string {
  const values = {
    ...placeValues(place),
    reviewer: visible(facts.reviewer),
    sha: facts.sha.slice(0, 12),
    round: String(facts.round),
    maxRounds: String(facts.maxRounds),
    findings: findingsBlock(facts.summary, facts.findings),
  };
  return tidy(fill(templates.reviewFixup, values, 'reviewFixup'));
}

const REVIEW_WORDS: Readonly<Record<ReviewStatus['state'], string>> = {
  waiting: 'waiting',
  in_review: 'in review',
  changes_requested: 'changes requested',
  approved: 'approved',
  failed: 'no verdict',
};

/** One line on a worker's review for the views: `review: changes requested (round 1 of 3) by codex: <summary>`. */
export function reviewLine(review: ReviewStatus): string {
  const round =
    review.state === 'waiting' && review.round === 0 ? '' : ` (round ${review.round} of ${review.maxRounds})`;
  const summary = review.summary === undefined ? '' : `: ${visible(review.summary)}`;
  return `review: ${REVIEW_WORDS[review.state]}${round} by ${visible(review.reviewer)}${summary}`;
}

/** Who reviews whom and why, one line per reviewed worker, for `doctor` and `up --dry-run`. */
export function reviewerNotes(workers: readonly WorkerSpec[]): string[] {
  return workers.flatMap((worker) => {
    if (worker.review === undefined) return [];
    const { agent, why, maxRounds } = worker.review;
    // A reviewer of czar.yaml's own says how it is run: nothing else shows its review_args before the first review.
    const run =
      agent.reviewArgs === undefined
        ? ''
        : `, running \`${[agent.command, ...agent.reviewArgs].join(' ')}\` with the prompt on stdin`;
    return [`review: ${why}${run} (up to ${maxRounds} round(s), then the person is asked)`];
  });
}
