import { neutraliseControls } from './sanitize.js';

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
