import { unlinkSync } from 'node:fs';
import { processAlive } from './process.js';
import { open, readFile, rm } from 'node:fs/promises';
import { CzarError } from '../domain/errors.js';

export interface LockHolder {
  readonly pid: number;
  readonly since: string;
}

/**
 * Takes an exclusive lock file (created with O_EXCL, holding pid and time). While another live process holds it,
 * waits, telling `onWait` once who that is; a lock whose process is gone is taken over. The lock is also dropped
 * when this process exits (Ctrl-C), so only a killed holder leaves a stale file, which the next taker clears.
 */
export async function acquireLock(file: string, options: { timeoutMs: number; onWait: (holder: LockHolder) => void; what: string }): Promise<() => Promise<void>> {
  const deadline = Date.now() + options.timeoutMs;
  let told = false;
  for (;;) {
    const mine: LockHolder = { pid: process.pid, since: new Date().toISOString() };
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(JSON.stringify(mine));
      await handle.close();
      const dropOnExit = (): void => {
        try {
          unlinkSync(file);
        } catch {
          // Already released.
        }
      };
      process.once('exit', dropOnExit);
      return async () => {
        process.off('exit', dropOnExit);
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    if (holder === undefined || !processAlive(holder.pid)) {
      // Half-written by a holder that was just starting, or left by a killed one: look again before clearing it.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = await readHolder(file);
      if (again === undefined || !processAlive(again.pid)) await rm(file, { force: true });
      continue;
    }
    if (!told) {
      options.onWait(holder);
      told = true;
    }
    if (Date.now() > deadline) {
      throw new CzarError('locked', `${options.what} (pid ${holder.pid}, since ${holder.since}) still holds ${file}; wait for it to finish or stop it, then try again.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    return typeof value.pid === 'number' && typeof value.since === 'string' ? { pid: value.pid, since: value.since } : undefined;
  } catch {
    return undefined;
  }
}
