import * as z from 'zod';
import { MAX_COMMENT_CHARS, MAX_COMMENT_FILE, MAX_COMMENT_LINE, MAX_TASK_BYTES } from './limits.js';

/** The longest name a spawn request may give a child, its agent or a check. */
export const MAX_CHILD_NAME = 64;

/** The highest dollar limit a budget request may set: a typo guard, far above any real fleet's spend. */
export const MAX_BUDGET_USD = 1_000_000;

/** A dollar amount as typed (`5`, `12.50`, `$12.50`), or undefined when it is not one a budget may be. */
export function budgetUsd(typed: string): number | undefined {
  const match = /^\$?(\d+(?:\.\d{1,2})?)$/.exec(typed.trim());
  const usd = match?.[1] === undefined ? NaN : Number(match[1]);
  return usd > 0 && usd <= MAX_BUDGET_USD ? usd : undefined;
}

/** Things a person asks the running czar to do, from the CLI or the dashboard. */
export const CzarRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ id: z.string(), kind: z.literal('send'), worker: z.string(), text: z.string() }),
  z.strictObject({
    id: z.string(),
    kind: z.literal('comment'),
    worker: z.string(),
    file: z.string().max(MAX_COMMENT_FILE).optional(),
    line: z.number().int().positive().max(MAX_COMMENT_LINE).optional(),
    text: z.string().min(1).max(MAX_COMMENT_CHARS),
  }),
  z.strictObject({ id: z.string(), kind: z.literal('bonus'), worker: z.string() }),
  z.strictObject({ id: z.string(), kind: z.literal('review'), worker: z.string() }),
  z.strictObject({ id: z.string(), kind: z.literal('restart'), worker: z.string(), fresh: z.boolean().optional() }),
  z.strictObject({ id: z.string(), kind: z.literal('pause'), worker: z.string().optional() }),
  z.strictObject({ id: z.string(), kind: z.literal('resume'), worker: z.string().optional() }),
  z.strictObject({ id: z.string(), kind: z.literal('stop') }),
  // A worker's dollar limit, or the fleet's when no worker is named.
  z.strictObject({
    id: z.string(),
    kind: z.literal('budget'),
    worker: z.string().optional(),
    usd: z.number().positive().max(MAX_BUDGET_USD),
  }),
  // From a worker's own pane: `worker` is the parent, `signature` made with its agent's proof over the rest of the
  // request (checked before decide() sees it; the proof itself never goes in a file).
  z.strictObject({
    id: z.string(),
    kind: z.literal('spawn'),
    worker: z.string(),
    signature: z.string().max(200),
    child: z.string().max(MAX_CHILD_NAME),
    task: z.string().min(1).max(MAX_TASK_BYTES),
    scope: z.array(z.string().max(MAX_COMMENT_FILE)).max(64),
    agent: z.string().max(MAX_CHILD_NAME).optional(),
    checks: z.array(z.string().max(MAX_CHILD_NAME)).max(64).optional(),
  }),
  // By the parent (`by` and its `signature`) or by a person (neither).
  z.strictObject({
    id: z.string(),
    kind: z.literal('cancel'),
    worker: z.string(),
    by: z.string().optional(),
    signature: z.string().max(200).optional(),
  }),
]);

/**
 * Why `written` is not a request the czar takes, said as its first wrong field (`line: Too big: ...`), or undefined
 * when it is one.
 */
export function requestProblem(written: unknown): string | undefined {
  const checked = CzarRequestSchema.safeParse(written);
  if (checked.success) return undefined;
  const [issue] = checked.error.issues;
  if (issue === undefined) return 'it is not a request';
  // The message may quote what was written: a bounded piece of it.
  return (issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`).slice(0, 200);
}

/** The text a worker signs for a request: every field but the signature, in a fixed order. */
export function signedText(request: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(
    Object.entries(request)
      .filter(([key]) => key !== 'signature')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

export type CzarRequest = z.infer<typeof CzarRequestSchema>;

/** Distributes Omit over the union so each request kind keeps its own fields. */
export type CzarRequestBody = CzarRequest extends infer R ? (R extends CzarRequest ? Omit<R, 'id'> : never) : never;

export interface CzarRequestResult {
  readonly id: string;
  readonly ok: boolean;
  /** One sentence: what was done, or why not. */
  readonly message: string;
}
