import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { LineReadResult } from './line-reader.js';

/** Largest session document read; a larger one is skipped and counted, as an overlong line is. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** Record lines of a whole document, or undefined when it is not whole (being written). */
export type DocumentToLines = (text: string) => readonly string[] | undefined;

/** A document's text, or undefined when it is missing, not a plain file, or larger than `maxBytes`. */
async function readDocument(file: string, maxBytes: number): Promise<{ text?: string; oversized: boolean }> {
  let handle;
  try {
    // O_NONBLOCK: a FIFO planted where a transcript should be must not stall the caller.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return { oversized: false };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { oversized: false };
    if (info.size > maxBytes) return { oversized: true };
    return { text: (await handle.readFile()).toString('utf8'), oversized: false };
  } finally {
    await handle.close();
  }
}

/**
 * Reads a transcript kept as one JSON document it rewrites (Auggie's sessions) as the lines `toLines` makes of
 * it, with the interface of the line reader: each version is read whole once, and a later one starts over (the
 * caller forgets what it counted from the one before). A version that is not whole yet is read again at the next ask.
 */
export class DocumentReader {
  private stamp: string | undefined;
  private seen = false;

  constructor(
    readonly file: string,
    private readonly toLines: DocumentToLines,
    private readonly maxBytes = MAX_DOCUMENT_BYTES,
  ) {}

  async read(onLine: (line: string) => void, onRestart: () => void = () => undefined): Promise<LineReadResult> {
    const info = await stat(this.file).catch(() => undefined);
    if (info === undefined) return { restarted: false, missing: true, oversized: 0, bytesRead: 0 };
    const stamp = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
    if (stamp === this.stamp) return { restarted: false, missing: false, oversized: 0, bytesRead: 0 };
    const { text, oversized } = await readDocument(this.file, this.maxBytes);
    if (oversized) this.stamp = stamp;
    const lines = text === undefined ? undefined : this.toLines(text);
    if (lines === undefined)
      return {
        restarted: false,
        missing: text === undefined && !oversized,
        oversized: oversized ? 1 : 0,
        bytesRead: 0,
      };
    this.stamp = stamp;
    const restarted = this.seen;
    this.seen = true;
    if (restarted) onRestart();
    for (const line of lines) onLine(line);
    return { restarted, missing: false, oversized: 0, bytesRead: text?.length ?? 0 };
  }
}

/** The first transcript line's `cwd` of a document, or undefined (not whole yet, or naming none). */
export async function documentCwd(file: string, toLines: DocumentToLines): Promise<string | undefined> {
  const { text } = await readDocument(file, MAX_DOCUMENT_BYTES);
  const first = text === undefined ? undefined : toLines(text)?.[0];
  try {
    const cwd = first === undefined ? undefined : (JSON.parse(first) as { cwd?: unknown }).cwd;
    return typeof cwd === 'string' ? cwd : undefined;
  } catch {
    return undefined;
  }
}
