import * as z from 'zod';
import { TOKENS, UNPRICED } from './status-usage-schema.js';

/** The status file's words for spawned workers (`czar spawn`) in the metrics and the handoff. */

export const TaskChildrenSchema = z
  .strictObject({
    workers: z.array(z.string()),
    ms: z.number().nonnegative().describe("the children's time from delivery to done, summed"),
    tokens: TOKENS.optional(),
    usd: z.number().nonnegative().optional(),
    unpricedModels: UNPRICED,
  })
  .describe(
    "of the task's `tokens` and `usd`, the workers it spawned (and theirs); absent without children, tokens and usd absent when a child's are unknown",
  );

export const HandoffChildSchema = z.strictObject({
  name: z.string(),
  branch: z.string(),
  outcome: z.enum(['merged', 'cancelled', 'open']).describe("merged: its tip is in its parent's branch"),
});
