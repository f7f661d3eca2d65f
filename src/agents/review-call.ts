import type { AgentCommand } from '../domain/model/config-types.js';
import type { ReviewUsage } from '../domain/usage/review-usage.js';
import { addTokens, modelName, ZERO_TOKENS, type TokenCounts } from '../domain/usage/usage.js';
import type { ReviewCall, ReviewOutput } from '../domain/model/review-call.js';

export type { ReviewCall, ReviewOutput };

/**
 * How an agent runs once, non-interactively, as a reviewer: the call that starts it (its own headless mode and
 * structured output) and how its verdict and usage are read back from what it printed and wrote. The verdict comes
 * back unvalidated; the caller checks it against `ReviewVerdictSchema`.
 */

export interface ReviewRun {
  /** The whole review prompt (task, diff, check results, earlier findings). */
  readonly prompt: string;
  /** The detached checkout czar owns, where the reviewer reads code and runs commands. */
  readonly cwd: string;
  /** A private folder for this run's schema and output files, outside the checkout. */
  readonly workDir: string;
  /** The verdict's JSON Schema, for a reviewer that takes one (made from the zod schema by the caller). */
  readonly verdictSchema: Readonly<Record<string, unknown>>;
  /**
   * A random value made for this run alone: a reviewer that answers on stdout echoes it in its verdict, so a verdict
   * line it only printed from the checkout (a worker's committed file) is never taken as its own.
   */
  readonly nonce: string;
  /** The person's cache folder, shared by every run here (see `SetupContext.cacheDir`). */
  readonly cacheDir?: string;
  /**
   * The call runs in czar's box (a boxed worker's reviewer: the checkout read-only, the network only to its model): an
   * agent whose own sandbox cannot start inside another turns that off.
   */
  readonly boxed?: boolean;
}

export interface ReviewRead {
  /** The verdict object, not yet validated; undefined when the output holds none. */
  readonly verdict: unknown;
  readonly usage?: ReviewUsage;
}

export interface ReviewMode {
  call(agent: AgentCommand, run: ReviewRun): ReviewCall;
  read(output: ReviewOutput, run: ReviewRun): ReviewRead;
}

/** What a review mode adds to the agent's own command line and environment for one run. */
export interface ReviewCallParts {
  readonly args: readonly string[];
  /** The agent's own args as this mode keeps them (default: all of them). */
  readonly agentArgs?: readonly string[];
  /** The run's environment (default: the agent's own). */
  readonly env?: Readonly<Record<string, string>>;
  readonly stdin?: string;
  readonly files?: ReviewCall['files'];
  readonly outputs?: readonly string[];
}

/** A one-shot review call in the run's checkout: the agent's command and its own args first, then the mode's. */
export function reviewCallOf(agent: AgentCommand, run: ReviewRun, parts: ReviewCallParts): ReviewCall {
  return {
    cwd: run.cwd,
    command: agent.command,
    args: [...(parts.agentArgs ?? agent.args), ...parts.args],
    env: parts.env ?? agent.env,
    ...(parts.stdin === undefined ? {} : { stdin: parts.stdin }),
    files: parts.files ?? [],
    outputs: parts.outputs ?? [],
  };
}

/**
 * A reviewer's usage from the per-model table its output ends with (`{<model>: <figures>}`: Gemini CLI's
 * `stats.models`, GitHub Copilot CLI's `modelMetrics`): every model's tokens, named after the busiest. Undefined when
 * there is no table.
 */
export function usageOfModels(models: unknown, tokensOf: (figures: unknown) => TokenCounts): ReviewUsage | undefined {
  if (typeof models !== 'object' || models === null) return undefined;
  const counted = Object.entries(models).map(([name, figures]) => ({ name, tokens: tokensOf(figures) }));
  const size = (entry: (typeof counted)[number] | undefined): number =>
    entry === undefined ? -1 : entry.tokens.input + entry.tokens.output;
  const busiest = counted.reduce<(typeof counted)[number] | undefined>(
    (best, entry) => (size(entry) > size(best) ? entry : best),
    undefined,
  );
  return {
    model: modelName(busiest?.name),
    tokens: counted.reduce((sum, entry) => addTokens(sum, entry.tokens), ZERO_TOKENS),
  };
}
