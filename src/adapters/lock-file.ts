import { unlinkSync } from 'node:fs';
import { processAlive } from './process-table.js';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { CzarError } from '../domain/model/errors.js';

export interface LockHolder {
  readonly pid: number;
  readonly since: string;
}

/** How long to wait for a live holder (0: not at all), and what to say when it outlasts the wait. */
export type LockOptions = {
  readonly timeoutMs: number;
  /** Told once, when a live holder makes this process wait. */
  readonly onWait?: (holder: LockHolder) => void;
} & (
  | {
      /** Who a live holder is, in the default error: `<what> (pid, since) still holds <file>; ...`. */
      readonly what: string;
    }
  | {
      /** The error instead, for a caller whose user has another fix. */
      readonly heldError: (holder: LockHolder) => CzarError;
    }
);

// The lock files this process holds now: a lock naming this pid that is not one of them was left by an earlier
// process that had the same pid (a restarted container hands the same pids out again).
const heldHere = new Set<string>();

/**
 * Takes an exclusive lock file (created with O_EXCL, holding pid and time). While another live process (or this one,
 * through an earlier call) holds it, waits up to `timeoutMs`, telling `onWait` once who that is; a lock whose process
 * is gone is taken over. The lock is also dropped when this process exits (Ctrl-C), so only a killed holder leaves a
 * stale file, which the next taker clears. Both `czar up` and the integration run take their locks here.
 */
export async function acquireLock(file: string, options: LockOptions): Promise<() => Promise<void>> {
  const deadline = Date.now() + options.timeoutMs;
  let told = false;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  for (;;) {
    const mine: LockHolder = { pid: process.pid, since: new Date().toISOString() };
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(JSON.stringify(mine));
      await handle.close();
      heldHere.add(file);
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
        heldHere.delete(file);
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    if (!heldByLiveProcess(file, holder)) {
      // Half-written by a holder that was just starting, or left by a killed one: look again before clearing it.
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (!heldByLiveProcess(file, await readHolder(file))) await rm(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      if ('heldError' in options) throw options.heldError(holder);
      throw new CzarError(
        'locked',
        `${options.what} (pid ${holder.pid}, since ${holder.since}) still holds ${file}; wait for it to finish or stop it, then try again.`,
      );
    }
    if (!told) {
      options.onWait?.(holder);
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Who holds the lock now, when a live process does; undefined when it is free or left by one that is gone. */
export async function liveLockHolder(file: string): Promise<LockHolder | undefined> {
  const holder = await readHolder(file);
  return heldByLiveProcess(file, holder) ? holder : undefined;
}

function heldByLiveProcess(file: string, holder: LockHolder | undefined): holder is LockHolder {
  if (holder === undefined) return false;
  return holder.pid === process.pid ? heldHere.has(file) : processAlive(holder.pid);
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const { pid, since } = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    // Only a real pid: kill(0) and kill(-1) reach a whole group, so such a lock would look held forever.
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 && typeof since === 'string'
      ? { pid, since }
      : undefined;
  } catch {
    return undefined;
  }
}
