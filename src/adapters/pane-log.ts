import { appendFile, open, truncate } from 'node:fs/promises';
import { statSync, watch, type FSWatcher } from 'node:fs';
import { lastBracketedPasteMode, MODE_SEQUENCE_CARRY } from '../domain/model/terminal-modes.js';

/** How far a pane's log was read for its mode, kept across messages: an agent's log grows all day. */
interface ModeReading {
  /** The file's inode and birth time: a removed log's inode is given to the next file made. */
  file: string;
  offset: number;
  carry: string;
  mode: 'on' | 'off' | undefined;
}

const readings = new Map<string, ModeReading>();
/** A pane log's bound: the czar cuts it back at its sweep once it is larger. */
export const PANE_LOG_BOUND = 8 << 20;
/** The most of a log read at once: a log that grew by hundreds of MB is read in pieces, never held whole. */
const READ_BYTES = 1 << 20;

/**
 * Whether the program in a pane has bracketed paste on now, read from the pane's output log (pipe-pane, from the
 * pane's first byte). Each call, for any message, reads only what was appended since the last one read that log;
 * undefined when there is no log.
 */
export function bracketedPasteProbe(logFile: string): () => Promise<boolean | undefined> {
  return () => oneAtATime(logFile, () => readMode(logFile));
}

/**
 * Cuts a pane's log back once it is over `maxBytes`: the log is read for the program's terminal mode and for its
 * growth, never for what it said, and an agent's screen draws fill it all day. The mode read so far is written at
 * its start again, so a probe of any czar process (a restarted one reads the log from its start) still finds it.
 * Says whether it cut.
 */
export function boundPaneLog(logFile: string, maxBytes: number): Promise<boolean> {
  return oneAtATime(logFile, async () => {
    const size = logSize(logFile);
    if (size === undefined || size <= maxBytes) return false;
    await readMode(logFile);
    const reading = readings.get(logFile);
    await truncate(logFile, 0);
    if (reading === undefined) return true;
    if (reading.mode !== undefined) await appendFile(logFile, MODE_SEQUENCES[reading.mode]);
    reading.offset = 0;
    reading.carry = '';
    return true;
  });
}

/** One read or cut of a log at a time: two reads at once would both start from the same offset and move it twice. */
function oneAtATime<T>(logFile: string, work: () => Promise<T>): Promise<T> {
  const done = (busy.get(logFile) ?? Promise.resolve()).then(work);
  busy.set(
    logFile,
    done.catch(() => undefined),
  );
  return done;
}

const busy = new Map<string, Promise<unknown>>();

async function readMode(logFile: string): Promise<boolean | undefined> {
  let handle;
  try {
    handle = await open(logFile, 'r');
  } catch {
    return undefined;
  }
  try {
    const { size, ino, birthtimeMs } = await handle.stat();
    const file = `${ino} ${birthtimeMs}`;
    let reading = readings.get(logFile);
    // A log cut short (rotated) or made anew is read again from its start.
    if (reading === undefined || reading.file !== file || size < reading.offset) {
      reading = { file, offset: 0, carry: '', mode: undefined };
      readings.set(logFile, reading);
    }
    const buffer = Buffer.alloc(Math.min(READ_BYTES, size - reading.offset));
    while (reading.offset < size) {
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(buffer.length, size - reading.offset),
        reading.offset,
      );
      if (bytesRead === 0) break;
      reading.offset += bytesRead;
      // latin1 keeps one char per byte, so an escape sequence never straddles a decoding error.
      const text = reading.carry + buffer.subarray(0, bytesRead).toString('latin1');
      reading.mode = lastBracketedPasteMode(text) ?? reading.mode;
      reading.carry = text.slice(-MODE_SEQUENCE_CARRY);
    }
    return reading.mode === 'on';
  } finally {
    await handle.close();
  }
}

/**
 * Records in a pane's log that its program was started again (respawn-pane keeps the log's pipe): the new program
 * starts with bracketed paste off, whatever mode the old one died in, so the probe must not read the old mode.
 */
export async function notePaneRespawned(logFile: string): Promise<void> {
  await appendFile(logFile, BRACKETED_PASTE_RESET, { mode: 0o600 });
}

const BRACKETED_PASTE_RESET = '\x1b[?2004l';
const MODE_SEQUENCES = { on: '\x1b[?2004h', off: BRACKETED_PASTE_RESET } as const;

/**
 * Waits for the pane's next output (its log grows) but at least `floorMs`, or `withinMs` at most: a delivery looks
 * at the screen as soon as the agent drew, instead of on a fixed 100 ms tick, and a pane that streams output is
 * still looked at no more often than every `floorMs`. Output since the last wait ended counts too: the agent may
 * draw while the screen is being read, before this wait's watch is set. `floorOfThisWait` replaces the floor for one
 * wait: the first look after a key or a paste waits for the draw it causes, and for nothing more.
 */
export function paneOutput(
  logFile: string,
  floorMs: number,
): (withinMs: number, floorOfThisWait?: number) => Promise<void> {
  let seen = logSize(logFile);
  return (withinMs, floorOfThisWait = floorMs) =>
    new Promise((resolve) => {
      const startedAt = Date.now();
      let watcher: FSWatcher | undefined;
      let floorTimer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(deadline);
        clearTimeout(floorTimer);
        watcher?.close();
        seen = logSize(logFile);
        resolve();
      };
      const deadline = setTimeout(done, withinMs);
      const output = (): void => {
        const left = floorOfThisWait - (Date.now() - startedAt);
        if (left <= 0) done();
        else floorTimer ??= setTimeout(done, left);
      };
      try {
        watcher = watch(logFile, output);
        watcher.on('error', () => undefined);
      } catch {
        // No log (yet): the deadline serves.
      }
      if (logSize(logFile) !== seen) output();
    });
}

/** The log's size in bytes; undefined while it does not exist. */
function logSize(logFile: string): number | undefined {
  try {
    return statSync(logFile).size;
  } catch {
    return undefined;
  }
}
