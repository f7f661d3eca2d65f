import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** Longest record line taken: a longer one (a huge tool result in a transcript) is skipped and counted. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

/** Where a reader stands in a file: after the last complete line it handed out. */
export interface LinePosition {
  readonly identity: string;
  readonly offset: number;
}

/** What one `read()` found. */
export interface LineReadResult {
  /** The file shrank or was replaced (another inode) since the last read: it was read again from the start. */
  readonly restarted: boolean;
  /** The file is not there (yet, or any more). */
  readonly missing: boolean;
  /** Lines longer than the limit, skipped. */
  readonly oversized: number;
  readonly bytesRead: number;
}

/** An open file as a reader uses it. */
interface OpenFile {
  stat(): Promise<Stats>;
  read(buffer: Buffer, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

/** How a reader reaches its file: `stat` undefined for no file; `open` throws when it cannot be opened. */
interface FileCalls {
  stat(file: string): Promise<Stats | undefined>;
  open(file: string): Promise<OpenFile>;
}

// O_NONBLOCK: a FIFO planted where a transcript should be must not stall the caller.
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** Through the thread pool: each call is a step that waits for the loop to come round. */
const POOL: FileCalls = {
  stat: (file) => stat(file).catch(() => undefined),
  open: async (file) => {
    const handle = await open(file, READ_FLAGS);
    return {
      stat: () => handle.stat(),
      read: async (buffer, length, position) => (await handle.read(buffer, 0, length, position)).bytesRead,
      close: () => handle.close(),
    };
  },
};

/** Blocking calls, each well under a millisecond for a small file: no step waits behind the loop's other work. */
const BLOCKING: FileCalls = {
  stat: async (file) => statSync(file, { throwIfNoEntry: false }),
  open: async (file) => {
    const fd = openSync(file, READ_FLAGS);
    return {
      stat: async () => fstatSync(fd),
      read: async (buffer, length, position) => readSync(fd, buffer, 0, length, position),
      close: async () => closeSync(fd),
    };
  },
};

/**
 * Reads a file that only grows (a JSONL log another program appends to) a line at a time, from where the last read
 * stopped: each byte is read once, however often it is asked. Memory stays bounded by one chunk and one line: an
 * unfinished last line waits for its newline, a line past `maxLineBytes` is dropped. A file that shrinks or is
 * replaced starts over, and says so, so the caller can forget what it counted from the old one.
 */
export class IncrementalLineReader {
  private offset = 0;
  private identity: string | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;
  private readonly calls: FileCalls;

  constructor(
    readonly file: string,
    private readonly maxLineBytes = MAX_LINE_BYTES,
    start?: LinePosition,
    /** `blocking`: a small file on a latency path (a worker's report stream, read in the pass that takes it). */
    calls: 'pool' | 'blocking' = 'pool',
  ) {
    this.calls = calls === 'blocking' ? BLOCKING : POOL;
    // Another process read up to here: the same file goes on from there, a replaced one starts over.
    this.identity = start?.identity;
    this.offset = start?.offset ?? 0;
  }

  /** Where the next line starts, for a later reader; undefined before the first read. */
  position(): LinePosition | undefined {
    return this.identity === undefined
      ? undefined
      : { identity: this.identity, offset: this.offset - this.pendingBytes };
  }

  /** Emits each new complete line; `onRestart` runs before the first line of a file that started over. */
  async read(onLine: (line: string) => void, onRestart: () => void = () => undefined): Promise<LineReadResult> {
    // The common case, a file that did not change, costs one stat and no open.
    const quick = await this.calls.stat(this.file);
    if (quick !== undefined && `${quick.dev}:${quick.ino}` === this.identity && quick.size === this.offset)
      return { restarted: false, missing: false, oversized: 0, bytesRead: 0 };
    let handle;
    try {
      handle = await this.calls.open(this.file);
    } catch {
      return { restarted: false, missing: true, oversized: 0, bytesRead: 0 };
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) return { restarted: false, missing: true, oversized: 0, bytesRead: 0 };
      const identity = `${info.dev}:${info.ino}`;
      const restarted = this.identity !== undefined && (identity !== this.identity || info.size < this.offset);
      if (restarted || this.identity === undefined) this.reset(identity);
      if (restarted) onRestart();
      let oversized = 0;
      let bytesRead = 0;
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      while (this.offset < info.size) {
        const got = await handle.read(buffer, Math.min(CHUNK_BYTES, info.size - this.offset), this.offset);
        if (got === 0) break;
        this.offset += got;
        bytesRead += got;
        oversized += this.split(buffer.subarray(0, got), onLine);
      }
      return { restarted, missing: false, oversized, bytesRead };
    } finally {
      await handle.close();
    }
  }

  private reset(identity: string): void {
    this.identity = identity;
    this.offset = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = false;
  }

  /** Emits the complete lines in `chunk`, keeps its unfinished tail; returns how many lines were too long. */
  private split(chunk: Buffer, onLine: (line: string) => void): number {
    let oversized = 0;
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, end);
      start = end + 1;
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      if (this.pendingBytes + piece.length > this.maxLineBytes) {
        oversized += 1;
        this.dropPending();
        continue;
      }
      const line =
        this.pendingBytes === 0 ? piece.toString('utf8') : Buffer.concat([...this.pending, piece]).toString('utf8');
      this.dropPending();
      onLine(line);
    }
    const tail = chunk.subarray(start);
    if (tail.length === 0 || this.skipping) return oversized;
    if (this.pendingBytes + tail.length > this.maxLineBytes) {
      // Counted now; the rest of this line is skipped up to its newline.
      oversized += 1;
      this.dropPending();
      this.skipping = true;
      return oversized;
    }
    // Copied: the read buffer is reused for the next chunk.
    this.pending.push(Buffer.from(tail));
    this.pendingBytes += tail.length;
    return oversized;
  }

  private dropPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }
}
