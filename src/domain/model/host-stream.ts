import * as z from 'zod';
import { MAX_MODEL_NAME } from '../usage/usage.js';

/**
 * The lines `czar watch --stream` prints on a host and the local czar reads over ssh: one JSON object a line. The
 * host is another machine running agents, so every line is untrusted: bounded, checked against this schema, and a
 * worker it names must be one of that host's workers.
 */

/** Longest line read; a longer one is dropped (a report is at most a few KB, output comes in chunks). */
export const MAX_STREAM_LINE = 256 * 1024;
/** Most pane output one line carries; the watcher sends more in further lines. */
export const MAX_OUTPUT_CHUNK = 32 * 1024;
/** Largest report file text carried (czar report writes well under this). */
export const MAX_REPORT_TEXT = 64 * 1024;

const workerName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/)
  .max(100);
const tokens = z.number().int().nonnegative();
/** Most models one worker's usage line names (an agent uses one or two, with subagents a few). */
export const MAX_STREAM_MODELS = 50;

export const streamLineSchema = z.discriminatedUnion('kind', [
  /** First line: which czar is watching, so a version difference is refused before anything is used. */
  z.strictObject({ kind: z.literal('hello'), version: z.string().max(100) }),
  /** A worker's report file changed: its whole text (the local czar checks it like a local report). */
  z.strictObject({ kind: z.literal('report'), worker: workerName, text: z.string().max(MAX_REPORT_TEXT) }),
  /** The tip of a worker's branch in the host's clone moved (a commit there), so czar pushes it and fetches it. */
  z.strictObject({ kind: z.literal('tip'), worker: workerName, sha: z.string().regex(/^[0-9a-f]{40,64}$/) }),
  /**
   * A worker's usage so far from its agent's records on the host, whole each time (so a stream started again
   * replaces it, never adds to it): tokens per model, record files read, lines skipped, newest line's time.
   */
  z.strictObject({
    kind: z.literal('usage'),
    worker: workerName,
    models: z
      .array(
        z.strictObject({
          model: z.string().max(MAX_MODEL_NAME),
          input: tokens,
          output: tokens,
          cacheWrite: tokens,
          cacheRead: tokens,
        }),
      )
      .max(MAX_STREAM_MODELS),
    files: z.number().int().nonnegative(),
    skippedLines: z.number().int().nonnegative(),
    lastAt: z.number().int().nonnegative().optional(),
  }),
  /**
   * Whether the host's network door of boxed workers runs, sent when it changes (and first once a boxed worker was
   * launched there): the czar decides to start it again.
   */
  z.strictObject({ kind: z.literal('door'), up: z.boolean() }),
  /** New bytes of a worker's pane log (base64, so a chunk may end inside a character), starting at `offset`. */
  z.strictObject({
    kind: z.literal('output'),
    worker: workerName,
    offset: z.number().int().nonnegative(),
    data: z.base64().max(Math.ceil(MAX_OUTPUT_CHUNK / 3) * 4),
  }),
]);

export type StreamLine = z.infer<typeof streamLineSchema>;

/** One line of the stream, or why it was dropped. */
export function parseStreamLine(line: string): { ok: true; value: StreamLine } | { ok: false; reason: string } {
  if (line.length > MAX_STREAM_LINE)
    return { ok: false, reason: `a line of ${line.length} characters (more than ${MAX_STREAM_LINE})` };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'a line that is not JSON' };
  }
  const parsed = streamLineSchema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: `a line that is not a stream record (${parsed.error.issues[0]?.message ?? 'invalid'})` };
}

/** `--branch a1=czar/a1`: which branch of the host's clone is each worker's. */
export function branchArgs(branches: ReadonlyMap<string, string>): string[] {
  return [...branches].flatMap(([worker, branch]) => ['--branch', `${worker}=${branch}`]);
}

/** `--offset a1=120 --offset a2=0`: where each worker's log stream resumes, so nothing is sent twice or skipped. */
export function offsetArgs(offsets: ReadonlyMap<string, number>): string[] {
  return [...offsets].flatMap(([worker, offset]) => ['--offset', `${worker}=${offset}`]);
}

export function parseOffset(text: string): [string, number] | undefined {
  const match = /^([a-z0-9][a-z0-9_-]*)=(\d+)$/.exec(text);
  return match?.[1] === undefined ? undefined : [match[1], Number(match[2])];
}

/** The wait before reconnect attempt `attempt` (1-based): 0.5 s doubling up to 15 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(15_000, 500 * 2 ** Math.max(0, attempt - 1));
}
