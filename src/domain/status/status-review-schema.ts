import * as z from 'zod';
import { ReviewFindingSchema } from '../model/review-verdict.js';
import { REVIEW_STATES } from '../model/words.js';

/** A worker's review in status.json. */
export const ReviewStatusSchema = z
  .strictObject({
    state: z.enum(REVIEW_STATES),
    reviewer: z.string().describe('the agent that reviews this worker'),
    round: z.number().int().describe('the review round on the branch tip, 1-based (0 before the first review)'),
    maxRounds: z.number().int().describe('rounds of changes requested before the person is asked'),
    sha: z.string().optional().describe('the branch tip the state speaks about'),
    summary: z.string().optional().describe("the reviewer's one-line summary (its words, control characters pictured)"),
    findings: z.array(ReviewFindingSchema),
  })
  .describe("the worker's review: verified needs its approval of the tip (absent when nobody reviews it)");
