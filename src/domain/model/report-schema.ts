import * as z from 'zod';
import { MAX_CHECKPOINT_CHARS, MAX_CHECKPOINTS } from './checkpoints.js';
import { visible } from './sanitize.js';
import { API_FAILURE_KINDS, REPORTED_STATES, WORKER_NAME } from './words.js';

/** Largest report file the czar reads: anything bigger is rejected as untrusted input, not parsed. */
export const MAX_REPORT_BYTES = 64 * 1024;

/** What `czar report` (or an agent hook) writes into `.czar/reports/<worker>.json`. */
export const WorkerReportSchema = z.strictObject({
  worker: z.string().regex(WORKER_NAME),
  state: z.enum(REPORTED_STATES),
  progress: z.number().min(0).max(100).optional(),
  note: z.string().max(2000).optional(),
  resultFile: z.string().max(4096).optional(),
  /** The id of the task the worker says it is on (`--task`): checked against the task czar gave it. */
  task: z.string().max(200).optional(),
  at: z.iso.datetime(),
  /** `cli` for `czar report`, `hook:<Event>` for agent hooks, `sim` for the simulated agent. */
  source: z.string().max(100),
  /** Monotonic per writer, so a late write of an older report never wins. */
  seq: z.number().int().nonnegative(),
  /** The turn ended because the agent's model calls failed (its failure hook said so). */
  failure: z.strictObject({ kind: z.enum(API_FAILURE_KINDS), detail: z.string().max(500) }).optional(),
  /** A checkpoint of its task reported done (`--checkpoint`), with the worktree's HEAD then. */
  checkpoint: z
    .strictObject({
      number: z.number().int().min(1).max(MAX_CHECKPOINTS),
      text: z.string().max(MAX_CHECKPOINT_CHARS),
      commit: z
        .string()
        .regex(/^[0-9a-f]{7,64}$/)
        .optional(),
    })
    .optional(),
  sessionId: z.string().max(200).optional(),
  transcriptPath: z.string().max(4096).optional(),
});
export type WorkerReport = z.infer<typeof WorkerReportSchema>;

export type ParsedReport =
  { ok: true; report: WorkerReport } | { ok: false; reason: string } | { ok: 'box_refused'; target: string };

/** Parses a report file's text; never throws: a bad report is a fact about the worker, not a czar failure. */
export function parseReport(text: string, expectedWorker: string): ParsedReport {
  if (Buffer.byteLength(text) > MAX_REPORT_BYTES)
    return { ok: false, reason: `report is larger than ${MAX_REPORT_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'report is not valid JSON (truncated or garbled)' };
  }
  // The worker's network door refused one of its connections (written by the door, outside its box).
  const boxRefused =
    typeof value === 'object' && value !== null ? (value as { boxRefused?: unknown }).boxRefused : undefined;
  if (typeof boxRefused === 'string') return { ok: 'box_refused', target: visible(boxRefused.slice(0, 300)) };
  // `czar report` refused a report naming this worker (another's proof, or outside its worktree) and says why here.
  const refused = typeof value === 'object' && value !== null ? (value as { refused?: unknown }).refused : undefined;
  if (typeof refused === 'string')
    return { ok: false, reason: `a report as "${expectedWorker}" was refused: ${refused.slice(0, 1000)}` };
  const parsed = WorkerReportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `report field "${issue?.path.join('.') ?? '?'}" is invalid: ${issue?.message ?? 'unknown problem'}`,
    };
  }
  if (parsed.data.worker !== expectedWorker) {
    return {
      ok: false,
      reason: `report names worker "${parsed.data.worker}" but sits in the file of "${expectedWorker}"`,
    };
  }
  return { ok: true, report: parsed.data };
}

/**
 * The report to keep when `next` arrives with `previous` on file. The end of a turn is what done looks like (Claude
 * Code's Stop hook fires about 0.2 s after the `czar report --state done` its turn ran), so a turn end leaves a done
 * standing, with its time and note, and only records who wrote last. The worker's own report of another state, or
 * the prompt hook of a new task, replaces it; a done from before a new task is already stale by its time.
 */
export function mergeReport(
  previous: WorkerReport | undefined,
  next: WorkerReport,
  options: { turnEnd: boolean },
): WorkerReport {
  if (!options.turnEnd || previous?.state !== 'done' || previous.worker !== next.worker) return next;
  return { ...previous, source: next.source, seq: next.seq };
}
