import type { AgentCommand } from '../../domain/model/config-types.js';
import { count, field, jsonObject, modelName } from '../../domain/usage/usage.js';
import {
  reviewCallOf,
  type ReviewCall,
  type ReviewMode,
  type ReviewOutput,
  type ReviewRead,
  type ReviewRun,
} from '../review-call.js';
import { jsonObjectIn } from '../verdict-text.js';

/** Tools a reviewer may use: read and search the checkout and run commands there, never edit files. */
const REVIEW_TOOLS = 'Bash,Read,Grep,Glob';

/**
 * Measured with 2.1.197: a `--json-schema` that names its draft (`$schema`, as zod writes it) is dropped without a
 * word, and no StructuredOutput tool is offered; the same schema without that key works.
 */
function withoutDraft(schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema'));
}

/**
 * Claude Code as a reviewer: `claude -p` with the prompt on stdin (no argv limit), JSON output, and the verdict
 * schema, which adds a StructuredOutput tool the model answers with. `-p` shows no trust or permission dialogs:
 * the listed tools run without asking and any other is refused. No session is saved in the person's own history.
 */
export const claudeReview: ReviewMode = {
  call(agent: AgentCommand, run: ReviewRun): ReviewCall {
    return reviewCallOf(agent, run, {
      args: [
        '-p',
        '--output-format',
        'json',
        '--json-schema',
        JSON.stringify(withoutDraft(run.verdictSchema)),
        '--tools',
        `${REVIEW_TOOLS},StructuredOutput`,
        '--allowedTools',
        REVIEW_TOOLS,
        '--no-session-persistence',
      ],
      stdin: run.prompt,
    });
  },

  /** The printed result: `structured_output` when the model used the tool, else a JSON object in its `result` text. */
  read(output: ReviewOutput): ReviewRead {
    const result = jsonObject(output.stdout) ?? jsonObject(output.stdout.trim().split('\n').at(-1) ?? '');
    if (result === undefined) return { verdict: undefined };
    const text = result.result;
    const verdict = result.structured_output ?? (typeof text === 'string' ? jsonObjectIn(text) : undefined);
    const usage = result.usage;
    if (typeof usage !== 'object' || usage === null) return { verdict };
    const models = result.modelUsage;
    const model = typeof models === 'object' && models !== null ? Object.keys(models)[0] : undefined;
    const cost = result.total_cost_usd;
    return {
      verdict,
      usage: {
        model: modelName(model?.replace(/\[[^\]]*\]$/, '')),
        tokens: {
          input: count(field(usage, 'input_tokens')),
          output: count(field(usage, 'output_tokens')),
          cacheWrite: count(field(usage, 'cache_creation_input_tokens')),
          cacheRead: count(field(usage, 'cache_read_input_tokens')),
        },
        ...(typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? { costUsd: cost } : {}),
      },
    };
  },
};
