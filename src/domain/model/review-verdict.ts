import * as z from 'zod';
import { REVIEW_SEVERITIES } from './words.js';

/**
 * A reviewer's answer on one branch tip: the one JSON object every reviewer (a built-in preset or one people write)
 * must give. Anything else is not a verdict, and never counts as an approval.
 */

/** Bounds on what a reviewer may say: its words are untrusted text, shown to the person and pasted to a worker. */
export const REVIEW_LIMITS = { summaryChars: 400, findings: 50, findingChars: 2_000, fileChars: 300 } as const;

export const ReviewFindingSchema = z.strictObject({
  file: z.string().min(1).max(REVIEW_LIMITS.fileChars).optional(),
  line: z.number().int().positive().optional(),
  severity: z.enum(REVIEW_SEVERITIES),
  text: z.string().min(1).max(REVIEW_LIMITS.findingChars),
});

export const ReviewVerdictSchema = z.strictObject({
  verdict: z.enum(['approve', 'request_changes']),
  summary: z
    .string()
    .min(1)
    .max(REVIEW_LIMITS.summaryChars)
    .regex(/^[^\r\n]*$/, { error: 'the summary is one line' }),
  findings: z.array(ReviewFindingSchema).max(REVIEW_LIMITS.findings),
});

export type ReviewFinding = z.infer<typeof ReviewFindingSchema>;
export type ReviewVerdict = z.infer<typeof ReviewVerdictSchema>;

/** The verdict's JSON Schema, for CLIs that constrain their final answer with one (Codex, Claude Code). */
export const REVIEW_VERDICT_JSON_SCHEMA = z.toJSONSchema(ReviewVerdictSchema);
