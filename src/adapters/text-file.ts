import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Why a file was not taken as text; `reason` is the tail of a sentence that starts with the file's name. */
export type TextFileProblem = 'missing' | 'folder' | 'not_file' | 'too_big' | 'not_text' | 'unreadable';

export type TextFileReading =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly problem: TextFileProblem; readonly reason: string };

/**
 * Reads a file handed to czar as text (a task file, `send --file`, a worker's result file), refusing anything that
 * is not a regular file of UTF-8 text of at most `maxBytes`: replacement characters pasted into an agent, or a
 * 20 MB paste, help nobody. Never throws.
 */
export async function readTextFile(file: string, maxBytes: number): Promise<TextFileReading> {
  let bytes: Buffer;
  try {
    // O_NONBLOCK: a FIFO named as a file must not stall the caller (the czar's reconcile loop reads result files).
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = await handle.stat();
      if (info.isDirectory()) return { ok: false, problem: 'folder', reason: 'is a folder, not a file' };
      if (!info.isFile()) return { ok: false, problem: 'not_file', reason: 'is not a regular file' };
      if (info.size > maxBytes) return tooBig(maxBytes);
      // The size can change between stat and read: read one byte past the limit to notice.
      const buffer = Buffer.alloc(maxBytes + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > maxBytes) return tooBig(maxBytes);
      bytes = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, problem: 'missing', reason: 'does not exist' };
    if (code === 'EISDIR') return { ok: false, problem: 'folder', reason: 'is a folder, not a file' };
    return { ok: false, problem: 'unreadable', reason: `cannot be read: ${(error as Error).message}` };
  }
  const text = utf8Text(bytes);
  return text === undefined
    ? { ok: false, problem: 'not_text', reason: 'is not UTF-8 text (NUL bytes or invalid UTF-8)' }
    : { ok: true, text };
}

/** A size limit as people write it: 256 KB, 1 MB. */
export function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  return bytes % 1024 === 0 ? `${bytes / 1024} KB` : `${bytes} bytes`;
}

function tooBig(maxBytes: number): TextFileReading {
  return { ok: false, problem: 'too_big', reason: `is larger than ${formatBytes(maxBytes)}` };
}

function utf8Text(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
