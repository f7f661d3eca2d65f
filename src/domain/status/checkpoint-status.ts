import * as z from 'zod';
import { checkpointProgress, type Checkpoint } from '../model/checkpoints.js';
import { visible } from '../model/sanitize.js';

/** The checkpoints of a worker's current task as status.json has them (the schema and its rendering). */
export const CheckpointsStatusSchema = z
  .strictObject({
    done: z.number().int(),
    total: z.number().int(),
    next: z
      .strictObject({ number: z.number().int().describe('1-based'), text: z.string() })
      .optional()
      .describe('the first checkpoint still open; absent when all are done'),
    items: z.array(
      z.strictObject({
        text: z.string(),
        doneAt: z.string().describe('ISO 8601 time').optional(),
        commit: z.string().optional().describe("the worktree's HEAD when the worker reported it"),
      }),
    ),
  })
  .describe("the current task's checkpoints (absent when it has none): progress is done / total");
export type CheckpointsStatus = z.infer<typeof CheckpointsStatusSchema>;

export function checkpointsStatus(items: readonly Checkpoint[]): CheckpointsStatus {
  const { done, total, next } = checkpointProgress(items);
  return {
    done,
    total,
    ...(next === undefined ? {} : { next: { number: next.number, text: visible(next.text) } }),
    items: items.map((item) => ({
      text: visible(item.text),
      ...(item.doneAt === undefined ? {} : { doneAt: new Date(item.doneAt).toISOString() }),
      ...(item.commit === undefined ? {} : { commit: item.commit }),
    })),
  };
}
