import path from 'node:path';
import type { AgentCommand } from '../../domain/model/config-types.js';
import { jsonObject } from '../../domain/usage/usage.js';
import {
  reviewCallOf,
  type ReviewCall,
  type ReviewMode,
  type ReviewOutput,
  type ReviewRead,
  type ReviewRun,
} from '../review-call.js';
import { jsonObjectIn } from '../verdict-text.js';

const PROMPT_FILE = 'review-prompt.md';
/** Its tools that write files, taken away (measured: its `--ask` only asks the model in words not to use them). */
const EDIT_TOOLS = ['save-file', 'str-replace-editor', 'remove-files', 'apply_patch'];

/**
 * Auggie 0.36 as a reviewer (measured): `--print` runs one turn and exits, `--output-format json` prints one `type:
 * "result"` object whose `result` is the last answer's text, its file-writing tools are removed (commands still run,
 * as Copilot's reviewer's do), and `--dont-save-session` leaves no session in the person's history. The prompt goes in a file
 * (`--instruction-file`), so a large diff meets no argv limit. It has no schema option and prints no usage: the
 * verdict is the JSON object in its answer, and the review's tokens are not known.
 */
export const auggieReview: ReviewMode = {
  call(agent: AgentCommand, run: ReviewRun): ReviewCall {
    const prompt = path.join(run.workDir, PROMPT_FILE);
    return reviewCallOf(agent, run, {
      args: [
        '--print',
        '--output-format',
        'json',
        ...EDIT_TOOLS.flatMap((tool) => ['--remove-tool', tool]),
        '--dont-save-session',
        '--instruction-file',
        prompt,
      ],
      files: [{ path: prompt, content: run.prompt }],
    });
  },

  /** The printed `result` object's answer text holds the verdict. */
  read(output: ReviewOutput): ReviewRead {
    const result = output.stdout
      .split('\n')
      .map((line) => jsonObject(line))
      .findLast((record) => record?.type === 'result');
    const text = result?.result;
    return { verdict: typeof text === 'string' && result?.is_error !== true ? jsonObjectIn(text) : undefined };
  },
};
