import * as z from 'zod';

/** Each agent's record per task kind in this repository, as status.json and HANDOFF.md show it (`czar stats --agents`). */
export const AgentStatsSchema = z.strictObject({
  agent: z.string(),
  kind: z.string(),
  tasks: z.number().int().nonnegative().describe('tasks that ended: verified, integrated, given up or cancelled'),
  verified: z.number().int().nonnegative(),
  firstTry: z.number().int().nonnegative().describe('verified on the first done claim'),
  firstTryRate: z.number().min(0).max(1),
  meanReviewRounds: z.number().nonnegative(),
  minutesPerVerified: z.number().nonnegative().optional(),
  usdPerVerified: z.number().nonnegative().optional(),
});

export const AgentsStatusSchema = z
  .array(AgentStatsSchema)
  .describe("each agent's record per task kind in this repository, from czar's per-user record of outcomes");
