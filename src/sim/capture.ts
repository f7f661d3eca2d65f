import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Saves one submitted message, byte for byte, as `<dir>/<worker>-<n>.txt` with the first free n, so a test can
 * compare what czar sent with what the agent got, even across a restart of the agent. No dir, no capture.
 */
export async function writeCapture(
  dir: string | undefined,
  worker: string,
  bytes: Buffer,
): Promise<string | undefined> {
  if (dir === undefined || dir === '') return undefined;
  await mkdir(dir, { recursive: true });
  // Written aside, then hard-linked into place: a reader never sees half a file, and link() fails on an existing
  // name, so the first free number is taken without a race between checking and writing.
  const temp = path.join(dir, `.${worker}-${process.pid}.tmp`);
  await writeFile(temp, bytes);
  try {
    for (let n = 1; ; n++) {
      const file = path.join(dir, `${worker}-${n}.txt`);
      try {
        await link(temp, file);
        return file;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  } finally {
    await rm(temp, { force: true });
  }
}
