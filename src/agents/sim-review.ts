import type { ReviewMode } from './review-call.js';

/**
 * The simulated agent as a reviewer: `czar-sim-agent --review` reads the prompt on stdin and prints its scripted
 * verdict as one JSON object on stdout (see `sim/review.ts`). No model, no usage.
 */
export const simReviewMode: ReviewMode = {
  call: (agent, run) => ({
    cwd: run.cwd,
    command: agent.command,
    args: [...agent.args, '--review'],
    env: { ...agent.env },
    stdin: run.prompt,
    files: [],
    outputs: [],
  }),
  read: (output) => ({ verdict: parseLastJson(output.stdout) }),
};

/** The last line of the output that parses as JSON; undefined when none does. */
function parseLastJson(stdout: string): unknown {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      continue;
    }
  }
  return undefined;
}
