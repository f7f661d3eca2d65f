import { jsonObject } from '../domain/usage.js';
import type { ReviewMode } from './review-call.js';
import { MAX_VERDICT_TEXT } from './verdict-text.js';

/**
 * Any agent with `review_args:` in czar.yaml as a reviewer, with no code: czar runs `command ...review_args` (its
 * interactive `args` are not used, so one program can serve both) with the agent's env in the review checkout,
 * writes the whole prompt to its stdin, and takes the last line of stdout that is a JSON object as the verdict. So a
 * script may log progress, even JSON lines, before its answer. Its usage is unknown: it reports none czar can read.
 */
export const customReview: ReviewMode = {
  call: (agent, run) => ({
    cwd: run.cwd,
    command: agent.command,
    args: [...(agent.reviewArgs ?? [])],
    env: agent.env,
    stdin: run.prompt,
    files: [],
    outputs: [],
  }),
  read: (output) => ({ verdict: lastJsonObjectLine(output.stdout) }),
};

/** The last line that parses as a JSON object, searched in the output's tail only; undefined when there is none. */
function lastJsonObjectLine(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.slice(-MAX_VERDICT_TEXT).split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const found = jsonObject((lines[index] ?? '').trim());
    if (found !== undefined) return found;
  }
  return undefined;
}
