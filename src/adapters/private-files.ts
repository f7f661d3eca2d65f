import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { lstat, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * A folder for one worker's agent files that must be private all the way up (Gemini CLI skips a settings file
 * when any folder above it is open to others, as /tmp is): under the user's cache dir, not the state dir, which may
 * sit in a shared folder, unless the home cannot hold it (see `czarCacheDir`). The folders czar makes there are 0700.
 * Blocking calls: eight small steps per worker.
 */
export async function privateAgentDir(project: string, stateDir: string, worker: string): Promise<string> {
  const levels = fleetAgentLevels(project, stateDir);
  return makePrivate([...levels, path.join(levels.at(-1) as string, worker)]);
}

/** Makes each folder in turn, 0700 however it was; returns the last. */
function makePrivate(levels: readonly string[]): string {
  for (const dir of levels) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
  return levels.at(-1) as string;
}

/** The person's cache folder: XDG_CACHE_HOME, else ~/.cache. */
export function userCacheDir(): string {
  const cache = process.env.XDG_CACHE_HOME;
  return cache !== undefined && cache !== '' ? cache : path.join(homedir(), '.cache');
}

/**
 * czar's folder in the person's cache (`<cache>/czar`, 0700), or, when it cannot be made there (a home the user
 * cannot write, or one that does not exist), czar's state dir: a worker needs nothing of the person's home to exist.
 */
function czarCacheDir(stateDir: string): string {
  const cache = path.join(userCacheDir(), 'czar');
  if (usable.get(cache) ?? canMake(cache)) return cache;
  return stateDir;
}

/** Whether czar could make its cache folder, per path, asked once per process. */
const usable = new Map<string, boolean>();

function canMake(dir: string): boolean {
  try {
    makePrivate([dir]);
    usable.set(dir, true);
  } catch (error) {
    if (!CANNOT_WRITE.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    usable.set(dir, false);
  }
  return usable.get(dir) === true;
}

/** What a folder that cannot be written, or a missing home under one, answers a mkdir. */
const CANNOT_WRITE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR']);

/**
 * The lock czar's processes take to write a boxed agent's sign-in files back to the person's home: one per user in
 * czar's cache folder, or the fleet's own when the home cannot hold it (then nothing can be written back there either).
 */
export function credentialsLock(stateDir: string): string {
  return path.join(czarCacheDir(stateDir), 'credentials.lock');
}

/** Removes a fleet's agent files (`czar down --purge`): czar made that folder and everything in it. */
export async function removePrivateAgentFiles(project: string, stateDir: string): Promise<void> {
  // Retried: an agent that was just stopped may still write its last record there.
  await rm(fleetAgentFiles(project, stateDir), { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

/** The folder of a fleet's agent files, one folder per worker in it. */
export function fleetAgentFiles(project: string, stateDir: string): string {
  return fleetAgentLevels(project, stateDir).at(-1) as string;
}

/**
 * The folders czar makes down to a fleet's agent files: `<cache>/czar/agents/<project>-<hash of the state dir>` (the
 * hash tells apart two projects of the same name), or the state dir's `agents/` when czar's cache folder cannot be made.
 */
function fleetAgentLevels(project: string, stateDir: string): string[] {
  const cache = czarCacheDir(stateDir);
  if (cache === stateDir) return [path.join(stateDir, 'agents')];
  const agents = path.join(cache, 'agents');
  return [agents, path.join(agents, `${project}-${createHash('sha256').update(stateDir).digest('hex').slice(0, 8)}`)];
}

/** The owner and mode of `file` (or, while it does not exist, of the owner it will get) and of each folder above it. */
export async function ownershipChain(file: string): Promise<{ path: string; uid: number; mode: number }[]> {
  const chain: { path: string; uid: number; mode: number }[] = [];
  const own = await lstat(file).catch(() => undefined);
  chain.push(
    own === undefined
      ? { path: file, uid: process.getuid?.() ?? 0, mode: 0o600 }
      : { path: file, uid: own.uid, mode: own.mode },
  );
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const info = await lstat(dir);
    chain.push({ path: dir, uid: info.uid, mode: info.mode });
    if (dir === path.dirname(dir)) return chain;
  }
}
