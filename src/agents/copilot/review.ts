import path from 'node:path';
import type { AgentCommand } from '../../domain/model/config-types.js';
import { field, jsonObject } from '../../domain/usage/usage.js';
import {
  reviewCallOf,
  usageOfModels,
  type ReviewCall,
  type ReviewMode,
  type ReviewOutput,
  type ReviewRead,
  type ReviewRun,
} from '../review-call.js';
import { jsonObjectIn } from '../verdict-text.js';
import { copilotTokens } from './transcripts.js';

/** Tools a reviewer may use: run commands in the checkout, read and search it; no file tools that write. */
const REVIEW_TOOLS = ['bash', 'read_bash', 'stop_bash', 'view', 'grep', 'glob'];
const USAGE_FILE = 'copilot-usage.json';

/**
 * GitHub Copilot CLI 1.0 as a reviewer: the prompt on stdin (it reads a piped prompt as `-p` would, with no argv
 * limit), JSON lines on stdout, the tools it may use listed, no questions back (`--no-ask-user`), and its usage
 * written to a file. It has no schema option: the verdict is the JSON object in its last answer.
 */
export const copilotReview: ReviewMode = {
  call(agent: AgentCommand, run: ReviewRun): ReviewCall {
    const usage = path.join(run.workDir, USAGE_FILE);
    return reviewCallOf(agent, run, {
      args: [
        '--output-format',
        'json',
        '--allow-all-tools',
        '--available-tools',
        ...REVIEW_TOOLS,
        '--no-ask-user',
        '--usage-output-file',
        usage,
      ],
      // Its binary unpacks where the workers' does, not under the agent's own HOME.
      env: {
        ...(run.cacheDir === undefined ? {} : { COPILOT_CACHE_HOME: path.join(run.cacheDir, 'copilot') }),
        ...agent.env,
      },
      stdin: run.prompt,
      outputs: [usage],
    });
  },

  /** The last `assistant.message` with text holds the verdict; the usage file has each model's tokens. */
  read(output: ReviewOutput): ReviewRead {
    const answers = output.stdout
      .split('\n')
      .map((line) => jsonObject(line))
      .filter((event) => event?.type === 'assistant.message')
      .map((event) => field(event?.data, 'content'))
      .filter((content): content is string => typeof content === 'string' && content.trim() !== '');
    const last = answers.at(-1);
    const verdict = last === undefined ? undefined : jsonObjectIn(last);
    const file = Object.values(output.files)[0];
    const usage = usageOfModels(field(file === undefined ? undefined : jsonObject(file), 'modelMetrics'), (metrics) =>
      copilotTokens(field(metrics, 'usage')),
    );
    return usage === undefined ? { verdict } : { verdict, usage };
  },
};
