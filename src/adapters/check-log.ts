import type { FileHandle } from 'node:fs/promises';

/** A check's log keeps at most this much of the start of its output... */
export const LOG_HEAD_BYTES = 1024 * 1024;
/** ...and this much of the end: a runaway test log cannot fill the disk, and both ends of it stay readable. */
export const LOG_TAIL_BYTES = 1024 * 1024;
/** The kept tail starts at a line start when one is this near its cut. */
const LINE_SEARCH_BYTES = 4096;

/**
 * One check's output on its way into the log: the head is written as it comes (so a czar that dies mid-run leaves
 * the start on disk), the rest is held as a rolling tail in memory, and `finish` writes a line saying how much was
 * cut, then the tail. Memory stays within LOG_HEAD_BYTES in flight plus LOG_TAIL_BYTES and one chunk.
 */
export class BoundedLog {
  private headWritten = 0;
  private readonly tail: Buffer[] = [];
  private tailBytes = 0;
  private cut = 0;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly handle: FileHandle) {}

  add(chunk: Buffer): void {
    const room = LOG_HEAD_BYTES - this.headWritten;
    if (room > 0) {
      const head = chunk.subarray(0, room);
      this.headWritten += head.length;
      this.writing = this.writing.then(() => this.handle.write(head));
      chunk = chunk.subarray(head.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    for (
      let first = this.tail[0];
      first !== undefined && this.tailBytes - first.length >= LOG_TAIL_BYTES;
      first = this.tail[0]
    ) {
      this.tail.shift();
      this.tailBytes -= first.length;
      this.cut += first.length;
    }
  }

  /** Writes what is held back; the handle stays open for the caller's own lines. */
  async finish(): Promise<void> {
    await this.writing;
    let tail = Buffer.concat(this.tail);
    if (tail.length > LOG_TAIL_BYTES) {
      this.cut += tail.length - LOG_TAIL_BYTES;
      tail = tail.subarray(tail.length - LOG_TAIL_BYTES);
    }
    if (this.cut > 0) {
      const newline = tail.subarray(0, LINE_SEARCH_BYTES).indexOf('\n');
      if (newline >= 0) {
        this.cut += newline + 1;
        tail = tail.subarray(newline + 1);
      }
      await this.handle.write(
        `\n[czar cut ${this.cut} bytes of this check's output here: the log keeps its first ${LOG_HEAD_BYTES} and last ${tail.length} bytes]\n`,
      );
    }
    if (tail.length > 0) await this.handle.write(tail);
  }
}
