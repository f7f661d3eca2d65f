import { open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { reportStream, statePaths } from '../domain/paths.js';

/**
 * A boxed worker's door, read by czar: the report lines its `czar report` appended there since czar last looked. How
 * far czar has read is kept beside the door, where the worker cannot write, so a czar started again reads on from there.
 */

/** At most this much of a door is read at once; a worker that writes more waits for the next look. */
const MAX_READ_BYTES = 1024 * 1024;

function offsetFile(door: string): string {
  return `${door}.read`;
}

/** The complete lines after the last look (a line still being written waits), and where the next look starts. */
export async function newDoorLines(door: string, worker: string): Promise<{ lines: string[]; next: number }> {
  const stream = reportStream(statePaths(door), worker);
  const saved = Number((await readFile(offsetFile(door), 'utf8').catch(() => '0')).trim());
  const handle = await open(stream, 'r').catch(() => undefined);
  if (handle === undefined) return { lines: [], next: 0 };
  try {
    const { size } = await handle.stat();
    // A stream shorter than what was read was made again (or cut by the worker): read it from its start.
    const from = Number.isSafeInteger(saved) && saved >= 0 && saved <= size ? saved : 0;
    const buffer = Buffer.alloc(Math.min(size - from, MAX_READ_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.lastIndexOf('\n') + 1;
    // One line longer than a whole read is no report: skipped rather than read again at every look.
    if (end === 0 && bytesRead === MAX_READ_BYTES) return { lines: [], next: from + bytesRead };
    return {
      lines: text
        .slice(0, end)
        .split('\n')
        .filter((line) => line !== ''),
      next: from + Buffer.byteLength(text.slice(0, end)),
    };
  } finally {
    await handle.close();
  }
}

export async function saveDoorOffset(door: string, offset: number): Promise<void> {
  await writeFile(offsetFile(door), `${offset}\n`, { mode: 0o600 });
}

/** A new agent's door starts empty: what the last one reported was about that one. */
export async function emptyDoorReports(door: string): Promise<void> {
  await rm(path.join(door, 'reports'), { recursive: true, force: true });
  await rm(offsetFile(door), { force: true });
}
