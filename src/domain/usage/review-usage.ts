import * as z from 'zod';
import { costOfModels, type PriceTable } from './prices.js';
import { MAX_MODEL_NAME, taskAt, tokenTotal, type TokenCounts } from './usage.js';

/**
 * What a reviewer spent: each review mode reads it from what the CLI printed (its own figures, never an estimate).
 * A review belongs to the worker it reviewed, and to the task that was current when it ran, so it counts in that
 * worker's spend and budget like its own turns.
 */

/** One reviewer run's usage; `costUsd` when the CLI says what it cost (Claude Code's `total_cost_usd`). */
export interface ReviewUsage {
  readonly model: string;
  readonly tokens: TokenCounts;
  readonly costUsd?: number | undefined;
}

/** One review's usage, given to the task it belongs to. */
export interface ReviewSpendEntry {
  readonly task: string;
  readonly sha: string;
  readonly usage: ReviewUsage;
}

const tokenCount = z.number().int().nonnegative();

/** The kept verdicts file is czar's own, but is read back shape-checked: a hand edit must not break the totals. */
export const ReviewUsageSchema = z.strictObject({
  model: z.string().max(MAX_MODEL_NAME),
  tokens: z.strictObject({ input: tokenCount, output: tokenCount, cacheWrite: tokenCount, cacheRead: tokenCount }),
  costUsd: z.number().nonnegative().optional(),
});

/**
 * The reviews of a worker with usage, each given to the task current when it ended (`tasks` as the usage source
 * dates them); reviews from before the first task belong to none and are left out.
 */
export function reviewSpendEntries(
  reviews: readonly {
    readonly sha: string;
    readonly at: number;
    readonly usage?: readonly ReviewUsage[] | undefined;
  }[],
  tasks: readonly { readonly id: string; readonly at: number }[],
): ReviewSpendEntry[] {
  return reviews.flatMap((review) => {
    const task = taskAt(tasks, review.at);
    if (task === undefined) return [];
    return (review.usage ?? []).map((usage) => ({ task, sha: review.sha, usage }));
  });
}

/** Dollars, tokens and unpriced models of some reviews: the CLI's own dollars where it gave them, else the price table. */
export interface ReviewCost {
  readonly usd: number;
  readonly tokens: number;
  readonly unpriced: readonly string[];
}

export function reviewCost(entries: readonly ReviewSpendEntry[], prices: PriceTable): ReviewCost {
  let usd = 0;
  let tokens = 0;
  const unpriced = new Set<string>();
  for (const { usage } of entries) {
    tokens += tokenTotal(usage.tokens);
    if (usage.costUsd !== undefined) {
      usd += usage.costUsd;
      continue;
    }
    const cost = costOfModels([{ model: usage.model, ...usage.tokens }], prices);
    usd += cost.usd;
    for (const model of cost.unpriced) unpriced.add(model);
  }
  return { usd, tokens, unpriced: [...unpriced] };
}
