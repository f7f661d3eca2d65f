import { z } from 'zod';
import { MAX_COMMENT_CHARS, MAX_COMMENT_FILE } from './limits.js';

/** Things a person asks the running czar to do, from the CLI or the dashboard. */
export const CzarRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ id: z.string(), kind: z.literal('send'), worker: z.string(), text: z.string() }),
  z.strictObject({
    id: z.string(),
    kind: z.literal('comment'),
    worker: z.string(),
    file: z.string().max(MAX_COMMENT_FILE).optional(),
    line: z.number().int().positive().optional(),
    text: z.string().min(1).max(MAX_COMMENT_CHARS),
  }),
  z.strictObject({ id: z.string(), kind: z.literal('bonus'), worker: z.string() }),
  z.strictObject({ id: z.string(), kind: z.literal('restart'), worker: z.string(), fresh: z.boolean().optional() }),
  z.strictObject({ id: z.string(), kind: z.literal('pause'), worker: z.string().optional() }),
  z.strictObject({ id: z.string(), kind: z.literal('resume'), worker: z.string().optional() }),
  z.strictObject({ id: z.string(), kind: z.literal('stop') }),
]);
export type CzarRequest = z.infer<typeof CzarRequestSchema>;

/** Distributes Omit over the union so each request kind keeps its own fields. */
export type CzarRequestBody = CzarRequest extends infer R ? (R extends CzarRequest ? Omit<R, 'id'> : never) : never;

export interface CzarRequestResult {
  readonly id: string;
  readonly ok: boolean;
  /** One sentence: what was done, or why not. */
  readonly message: string;
}
