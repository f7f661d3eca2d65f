import * as z from 'zod';

/** Parts of a worker in status.json (`status-schema.ts`): its usage per task and the reviews' share; waiting comments. */

export const TOKENS = z.number().int().nonnegative();
export const UNPRICED = z
  .array(z.string())
  .describe('models with no price: their cost is unknown, so usd is a lower bound');
const usd = z.number().nonnegative();

export const TaskUsageSchema = z.strictObject({
  task: z.string(),
  tokens: TOKENS,
  usd,
  unpricedModels: UNPRICED,
  reviewTokens: TOKENS.optional().describe("of `tokens`, the reviews' of this task"),
  reviewUsd: usd.optional().describe("of `usd`, the reviews' of this task"),
});

export const ReviewUsagePartSchema = z
  .strictObject({
    reviews: z.number().int().describe('commits reviewed'),
    tokens: TOKENS,
    usd,
    unpricedModels: UNPRICED,
  })
  .describe("of the totals, what the reviews of this worker's branch spent (the reviewer's own figures)");

export const WaitingCommentSchema = z
  .strictObject({
    file: z.string().optional(),
    line: z.number().int().positive().optional(),
    text: z.string().describe("the person's words, control characters pictured"),
    at: z.string().describe('when it was left (ISO 8601)'),
  })
  .describe("a person's review comment that waits for the worker to be between turns");
export type WaitingComment = z.infer<typeof WaitingCommentSchema>;
