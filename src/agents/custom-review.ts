import { jsonObject } from '../domain/usage/usage.js';
import type { ReviewMode } from './review-call.js';
import { MAX_VERDICT_TEXT } from './verdict-text.js';

/** The variable that gives a reviewer of czar.yaml's own its run's nonce, to echo as the verdict's `nonce`. */
export const REVIEW_NONCE_VARIABLE = 'CZAR_REVIEW_NONCE';

/**
 * Any agent with `review_args:` in czar.yaml as a reviewer, with no code: czar runs `command ...review_args` (its
 * interactive `args` are not used, so one program can serve both) with the agent's env and the run's nonce in the
 * review checkout, writes the whole prompt to its stdin, and takes the last line of stdout that is a JSON object
 * carrying that nonce as the verdict. So a script may log progress, even JSON lines and the checkout's own files,
 * before its answer, and none of them is taken for it. Its usage is unknown: it reports none czar can read.
 */
export const customReview: ReviewMode = {
  call: (agent, run) => ({
    cwd: run.cwd,
    command: agent.command,
    args: [...(agent.reviewArgs ?? [])],
    env: { ...agent.env, [REVIEW_NONCE_VARIABLE]: run.nonce },
    stdin: run.prompt,
    files: [],
    outputs: [],
  }),
  read: (output, run) => ({ verdict: lastOwnLine(output.stdout, run.nonce) }),
};

/**
 * The last line that parses as a JSON object with this run's nonce, without it, searched in the output's tail only;
 * undefined when there is none.
 */
function lastOwnLine(stdout: string, nonce: string): Record<string, unknown> | undefined {
  const lines = stdout.slice(-MAX_VERDICT_TEXT).split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const found = jsonObject((lines[index] ?? '').trim());
    if (found?.nonce !== nonce) continue;
    const { nonce: _own, ...verdict } = found;
    return verdict;
  }
  return undefined;
}
