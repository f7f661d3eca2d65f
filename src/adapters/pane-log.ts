import { appendFile, open } from 'node:fs/promises';
import { lastBracketedPasteMode, MODE_SEQUENCE_CARRY } from '../domain/terminal-modes.js';

/**
 * Whether the program in a pane has bracketed paste on now, read from the pane's output log (pipe-pane, from the
 * pane's first byte). Each call reads only what was appended since the last one; undefined when there is no log.
 */
export function bracketedPasteProbe(logFile: string): () => Promise<boolean | undefined> {
  let offset = 0;
  let carry = '';
  let mode: 'on' | 'off' | undefined;
  return async () => {
    let handle;
    try {
      handle = await open(logFile, 'r');
    } catch {
      return undefined;
    }
    try {
      const { size } = await handle.stat();
      if (size < offset) {
        // The log was cut short (rotated): read it again from its start.
        offset = 0;
        carry = '';
        mode = undefined;
      }
      if (size > offset) {
        const buffer = Buffer.alloc(size - offset);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        offset += bytesRead;
        // latin1 keeps one char per byte, so an escape sequence never straddles a decoding error.
        const text = carry + buffer.subarray(0, bytesRead).toString('latin1');
        mode = lastBracketedPasteMode(text) ?? mode;
        carry = text.slice(-MODE_SEQUENCE_CARRY);
      }
      return mode === 'on';
    } finally {
      await handle.close();
    }
  };
}

/**
 * Records in a pane's log that its program was started again (respawn-pane keeps the log's pipe): the new program
 * starts with bracketed paste off, whatever mode the old one died in, so the probe must not read the old mode.
 */
export async function notePaneRespawned(logFile: string): Promise<void> {
  await appendFile(logFile, BRACKETED_PASTE_RESET, { mode: 0o600 });
}

const BRACKETED_PASTE_RESET = '\x1b[?2004l';
