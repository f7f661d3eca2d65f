import type { PrWhen } from '../model/config-types.js';
import type { IntegrationCandidate } from './integration-plan.js';
import { neutraliseControls } from '../model/sanitize.js';

/** The result file is the worker's text: bounded, and its control characters made visible, before it goes to GitHub. */
const RESULT_MAX_CHARS = 20_000;

/** A pull request's body: the worker's result file, the checks summary and czar's notes. */
export function pullRequestBody(parts: {
  result: string | undefined;
  checks: readonly string[];
  notes: readonly string[];
}): string {
  const result =
    parts.result === undefined
      ? '_No result file._'
      : neutraliseControls(
          parts.result.length > RESULT_MAX_CHARS
            ? `${parts.result.slice(0, RESULT_MAX_CHARS)}\n…(cut at ${RESULT_MAX_CHARS} characters)`
            : parts.result,
        ).trim();
  const checks =
    parts.checks.length === 0 ? '- none run' : parts.checks.map((line) => `- ${neutraliseControls(line)}`).join('\n');
  const notes =
    parts.notes.length === 0 ? '- none' : parts.notes.map((line) => `- ${neutraliseControls(line)}`).join('\n');
  return `## Result\n\n${result}\n\n## Checks\n\n${checks}\n\n## czar's notes\n\n${notes}\n\n_Opened by czar._\n`;
}

/** czar's own posts on a pull request carry this, so their text is never taken for a person's comment. */
export const CZAR_POST_MARK = '<!-- posted by czar -->';

/** Requests made from a pull request's comments have ids that start so: their answer goes to the event log. */
export const PULL_REQUEST_REQUEST = 'pr-';

/** A comment on a PR is a person's words of any length: bounded before it becomes a message to the worker. */
const COMMENT_MAX_CHARS = 4000;

/** What the worker is told a pull request comment said, and who said it. */
export function pullRequestCommentText(author: string, body: string): string {
  const text = body.length > COMMENT_MAX_CHARS ? `${body.slice(0, COMMENT_MAX_CHARS)} …(cut)` : body;
  return `@${author} on the pull request: ${text.trim()}`;
}

/** The reviewer's verdict as a review comment on the pull request, once per reviewed commit. */
export function reviewVerdictPost(review: {
  readonly reviewer: string;
  readonly sha: string;
  readonly approved: boolean;
  readonly summary: string | undefined;
  readonly findings: readonly { file?: string; line?: number; severity: string; text: string }[];
}): string {
  const verdict = review.approved ? 'approved' : 'asked for changes on';
  const findings = review.findings.map((finding) => {
    const place =
      finding.file === undefined ? '' : `\`${finding.file}${finding.line === undefined ? '' : `:${finding.line}`}\` `;
    return `- ${place}[${finding.severity}] ${neutraliseControls(finding.text)}`;
  });
  return [
    CZAR_POST_MARK,
    `**${neutraliseControls(review.reviewer)}** (czar's reviewer) ${verdict} ${review.sha.slice(0, 12)}.`,
    '',
    neutraliseControls(review.summary ?? '').trim() || '_No summary._',
    ...(findings.length === 0 ? [] : ['', ...findings]),
    '',
  ].join('\n');
}

/**
 * The branches whose pull request `pr.when` calls for and that have none yet: a worker's branch once it is finished
 * (`verified`) or once it is in the integration branch (`integrated`).
 */
export function pullRequestsDue(
  candidates: readonly IntegrationCandidate[],
  known: Readonly<Record<string, unknown>>,
  when: PrWhen,
): IntegrationCandidate[] {
  if (when === 'off') return [];
  return candidates.filter(
    (candidate) =>
      known[candidate.branch] === undefined &&
      (when === 'verified' ? candidate.ready || candidate.merged : candidate.merged),
  );
}
