import path from 'node:path';
import type { AgentCommand } from '../../domain/model/config-types.js';
import { count, field, jsonObject } from '../../domain/usage/usage.js';
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

const POLICY_FILE = 'review-policy.toml';

/** Gemini's policy engine: the file-editing tools refused outright, above the yolo mode's allow-everything rule. */
const POLICY = ['[[rule]]', 'toolName = ["write_file", "replace"]', 'decision = "deny"', 'priority = 999', ''].join(
  '\n',
);

/** The agent's own approval flags: the review sets its own. */
const APPROVAL_FLAGS = new Set(['-y', '--yolo']);

/**
 * Gemini CLI as a reviewer: `gemini -p ''` runs headless with the prompt on stdin (it appends `-p` to stdin, and an
 * empty `-p` adds nothing). Yolo approval runs its shell and read tools without asking; a per-run policy file
 * refuses the tools that edit files; `--skip-trust` trusts the checkout for this run only, never writing the
 * person's trusted-folders list. It has no structured output, so the verdict is read from the response text.
 */
export const geminiReview: ReviewMode = {
  call(agent: AgentCommand, run: ReviewRun): ReviewCall {
    const policy = path.join(run.workDir, POLICY_FILE);
    return reviewCallOf(agent, run, {
      args: ['--output-format', 'json', '--approval-mode', 'yolo', '--policy', policy, '--skip-trust', '-p', ''],
      agentArgs: agent.args.filter((arg) => !APPROVAL_FLAGS.has(arg)),
      stdin: withoutAtReferences(run.prompt),
      files: [{ path: policy, content: POLICY }],
    });
  },

  /** The printed `response` text's JSON object, and the tokens of every model it called. */
  read(output: ReviewOutput): ReviewRead {
    const printed = jsonObject(output.stdout.slice(output.stdout.indexOf('{')).trim());
    const response = printed?.response;
    const verdict = typeof response === 'string' ? jsonObjectIn(response) : undefined;
    const usage = usageOfModels(field(field(printed, 'stats'), 'models'), (stats) => {
      const tokens = field(stats, 'tokens');
      const cached = count(field(tokens, 'cached'));
      return {
        // `prompt` includes the cached tokens; thoughts are billed as output, tool-use prompts as input.
        input: Math.max(0, count(field(tokens, 'prompt')) - cached) + count(field(tokens, 'tool')),
        output: count(field(tokens, 'candidates')) + count(field(tokens, 'thoughts')),
        cacheWrite: 0,
        cacheRead: cached,
      };
    });
    return usage === undefined ? { verdict } : { verdict, usage };
  },
};

/**
 * Measured with 0.61: headless Gemini reads `@word` in the prompt as a file to attach (`w@src/a.ts` reached the model
 * as `w @src/a.ts`, `@README.md` brought the file's content along), and a diff is full of `@`. `\@` is a literal
 * `@` to it, and the model receives `\@`.
 */
export function withoutAtReferences(prompt: string): string {
  return prompt.replaceAll('@', '\\@');
}
