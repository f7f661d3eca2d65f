import { count, field, modelName, ZERO_TOKENS } from '../../domain/usage/usage.js';
import { SIM_USAGE_KEY } from '../../sim/review.js';
import type { ReviewMode } from '../review-call.js';

/**
 * The simulated agent as a reviewer: `czar-sim-agent --review` reads the prompt on stdin and prints its scripted
 * verdict as one JSON object on stdout (see `sim/review.ts`), after a line with its scripted usage, if any.
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
  read: (output) => {
    const lines = jsonLines(output.stdout);
    const usage = field(
      lines.find((line) => field(line, SIM_USAGE_KEY) !== undefined),
      SIM_USAGE_KEY,
    );
    const verdict = lines.findLast((line) => field(line, SIM_USAGE_KEY) === undefined);
    if (usage === undefined) return { verdict };
    const tokens = { ...ZERO_TOKENS, input: count(field(usage, 'input')), output: count(field(usage, 'output')) };
    return { verdict, usage: { model: modelName(field(usage, 'model')), tokens } };
  },
};

/** The lines of the output that parse as JSON, in order. */
function jsonLines(stdout: string): unknown[] {
  return stdout.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      return [];
    }
  });
}
