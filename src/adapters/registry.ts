import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { RegistryEntrySchema, type RegisteredFleet, type RegistryEntry } from '../domain/model/registry-entry.js';
import { processRunning } from './process-table.js';
import { writeJsonAtomic } from './state-files.js';

/** The per-user registry of running czars: `$XDG_STATE_HOME/czar/fleets` (default `~/.local/state/czar/fleets`). */
export function registryDir(env: NodeJS.ProcessEnv = process.env): string {
  const state =
    env.XDG_STATE_HOME !== undefined && env.XDG_STATE_HOME !== ''
      ? env.XDG_STATE_HOME
      : path.join(homedir(), '.local', 'state');
  return path.join(state, 'czar', 'fleets');
}

/** One file per state dir, named by its hash: a second czar for the same fleet replaces the first's entry. */
function entryFile(stateDir: string): string {
  return path.join(registryDir(), `${createHash('sha256').update(stateDir).digest('hex').slice(0, 16)}.json`);
}

/** Makes the registry's folders, private to the user (0700): the entries name every project and repo. */
export async function ensureRegistryDir(): Promise<string> {
  const dir = registryDir();
  for (const folder of [path.dirname(dir), dir]) {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await chmod(folder, 0o700);
  }
  return dir;
}

const WEB_TOKEN = /^[A-Za-z0-9_-]{32}$/;

/**
 * The token of `czar web`, kept beside the registry (0600) so the page's URL, a phone's bookmark or scanned QR code,
 * stays good when czar web is started again and an open page reconnects by itself; `fresh` makes a new one, which
 * shuts out every device that had the old URL.
 */
export async function webToken(fresh: boolean): Promise<string> {
  const file = path.join(path.dirname(await ensureRegistryDir()), 'web-token');
  const kept = fresh ? undefined : (await readFile(file, 'utf8').catch(() => '')).trim();
  if (kept !== undefined && WEB_TOKEN.test(kept)) return kept;
  const token = randomBytes(24).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return token;
}

/** Registers this process as the czar of `stateDir`; the folders are private (0700), the file 0600. */
export async function registerCzar(entry: Omit<RegistryEntry, 'pid' | 'processStart'>): Promise<void> {
  await ensureRegistryDir();
  const processStart = (await processStartTime(process.pid)) ?? '';
  await writeJsonAtomic(entryFile(entry.stateDir), { ...entry, pid: process.pid, processStart });
}

/** Removes this process's entry for `stateDir`; one another czar wrote since stays. */
export async function unregisterCzar(stateDir: string): Promise<void> {
  const file = entryFile(stateDir);
  const entry = await readEntry(file);
  if (entry === undefined || entry.pid === process.pid) await rm(file, { force: true });
}

/**
 * Every registered czar, stale ones (crashed, pid reused) marked not running; files that do not parse are skipped. A
 * stopped czar whose state dir is gone has nothing left to show: its entry is removed (czar's own file), so the
 * fleets of folders long deleted do not pile up in `czar ls` and on the page.
 */
export async function listRegistered(): Promise<RegisteredFleet[]> {
  const dir = registryDir();
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.json')).sort();
  const fleets = await Promise.all(
    names.map(async (name): Promise<RegisteredFleet | undefined> => {
      const file = path.join(dir, name);
      const entry = await readEntry(file);
      if (entry === undefined) return undefined;
      const running = await stillRunning(entry);
      if (!running && (await missing(entry.stateDir))) {
        await rm(file, { force: true });
        return undefined;
      }
      return { ...entry, id: name.slice(0, -'.json'.length), running };
    }),
  );
  return fleets.filter((fleet) => fleet !== undefined);
}

/** Missing for sure: a folder czar cannot look into (its permissions) is not taken as gone. */
function missing(folder: string): Promise<boolean> {
  return lstat(folder).then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
  );
}

async function readEntry(file: string): Promise<RegistryEntry | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = RegistryEntrySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the czar of this entry still runs: its pid alive and started when the entry says (not a reused pid). */
export async function stillRunning(entry: RegistryEntry): Promise<boolean> {
  if (!(await processRunning(entry.pid))) return false;
  const start = await processStartTime(entry.pid);
  return start === undefined || entry.processStart === '' || start === entry.processStart;
}

/** Field 22 of /proc/PID/stat, after the command name (which may hold spaces and parentheses). */
async function processStartTime(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}
