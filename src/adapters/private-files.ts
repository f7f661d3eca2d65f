import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { lstat, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * A folder for one worker's agent files that must be private all the way up (Gemini CLI skips a settings file
 * when any folder above it is open to others, as /tmp is): under the user's cache dir, not the state dir, which may
 * sit in a shared folder. The folders czar makes there are 0700. Blocking calls: eight small steps per worker.
 */
export async function privateAgentDir(project: string, stateDir: string, worker: string): Promise<string> {
  const fleet = fleetAgentDir(project, stateDir);
  const agents = path.dirname(fleet);
  const levels = [path.dirname(agents), agents, fleet, path.join(fleet, worker)];
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

/** Removes a fleet's agent files (`czar down --purge`): czar made that folder and everything in it. */
export async function removePrivateAgentFiles(project: string, stateDir: string): Promise<void> {
  await rm(fleetAgentDir(project, stateDir), { recursive: true, force: true });
}

/** `<cache>/czar/agents/<project>-<hash of the state dir>`: the hash tells apart two projects of the same name. */
function fleetAgentDir(project: string, stateDir: string): string {
  return path.join(
    userCacheDir(),
    'czar',
    'agents',
    `${project}-${createHash('sha256').update(stateDir).digest('hex').slice(0, 8)}`,
  );
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
