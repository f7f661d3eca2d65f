import { chmod, mkdir, readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { appendLineSync } from './file-system.js';
import path from 'node:path';
import { processAlive } from './process-table.js';
import { sprintState, type StatePaths } from '../domain/model/paths.js';
import { CzarError } from '../domain/model/errors.js';
import type { FleetStatus } from '../domain/status/status-schema.js';
import { looksLikeStatus } from '../domain/status/status-shape.js';
import type { FleetEvent } from '../domain/model/words.js';

/** Creates the state dir private to the user (0700): it holds task text, logs and hook settings. */
export async function ensureStateDir(paths: StatePaths): Promise<void> {
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  await chmod(paths.root, 0o700);
  for (const dir of [paths.reports, paths.results, paths.logs, paths.workers, paths.requests]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
}

/**
 * Removes what czar wrote in the state dir, and the dir when nothing else is left in it: the next `up` starts a new
 * sprint, with no "sprint over", old reports or titles. Files a person put there stay.
 */
export async function clearSprintState(paths: StatePaths): Promise<void> {
  for (const entry of sprintState(paths)) await rm(entry, { recursive: true, force: true });
  // The temp files of atomic writes a killed czar left half-way.
  const temps = (await readdir(paths.root).catch(() => [])).filter((name) => ATOMIC_TEMP.test(name));
  for (const name of temps) await rm(path.join(paths.root, name), { force: true });
  await rmdir(paths.root).catch(() => undefined);
}

/** The name `writeAtomic` gives its temp file: `.<file>.<pid>.<8 hex>.tmp`. */
const ATOMIC_TEMP = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes the temp files of atomic writes whose writer no longer runs: a czar killed after its stop grace leaves the
 * one it was writing, and nothing will ever rename it.
 */
export async function removeOrphanedTemps(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [])) {
    const writer = ATOMIC_TEMP.exec(name)?.[1];
    if (writer !== undefined && !processAlive(Number(writer))) await rm(path.join(dir, name), { force: true });
  }
}

function atomicTemp(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Readers see the old content or the new, never half: a temp file in the same dir, then a rename. */
function replaceFileSync(file: string, data: string | Uint8Array): void {
  const temp = atomicTemp(file);
  try {
    writeFileSync(temp, data, { mode: 0o600 });
    renameSync(temp, file);
  } catch (error) {
    // A full disk fails the write half-way: what was written of the temp file would stay behind on every retry.
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Writes a file whole (see `replaceFileSync`), with blocking calls: state files are a few KB, and each of the four
 * steps through the thread pool cost more than its write (a launch of 20 makes some 200 such writes and appends while
 * its agents keep both cores busy).
 */
export async function writeAtomic(file: string, content: string): Promise<void> {
  replaceFileSync(file, content);
}

/**
 * `writeAtomic` of text given in pieces: the czar's status file, written on every pass that changed it. In a
 * 500-worker czar the promise write of its 400 KB took 20 to 48 ms to come back (behind the loop's other work), the
 * same write here under 1 ms. The pieces are encoded into one buffer kept for the next write, so no 400 KB string or
 * buffer is made for the garbage collector each time.
 */
export function writePiecesAtomicSync(file: string, pieces: readonly string[]): void {
  let length = 0;
  for (const piece of pieces) length += Buffer.byteLength(piece);
  if (scratch.length < length) scratch = Buffer.allocUnsafe(Math.max(length, scratch.length * 2));
  let offset = 0;
  for (const piece of pieces) offset += scratch.write(piece, offset);
  replaceFileSync(file, scratch.subarray(0, offset));
}

let scratch = Buffer.alloc(0);

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

export async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  return jsonIn<T>(await readText(file));
}

/**
 * `readJson` with one blocking read, for a state file of a few hundred bytes on a delivery's path: a promise read
 * is four steps through the thread pool (open, stat, read, close), and each waits for the czar's loop to come round.
 */
export async function readSmallJson<T>(file: string): Promise<T | undefined> {
  try {
    return jsonIn<T>(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The JSON value of a file's text; undefined for no file or text that is not JSON. */
export function jsonIn<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/**
 * The fleet's status.json for commands that show it: undefined when there is none yet; a CzarError naming the file
 * when it is not JSON or not a fleet status (czar writes it whole with a rename, so that means something else wrote
 * it, and guessing at its fields would crash or mislead).
 */
export async function readStatusFile(paths: StatePaths): Promise<FleetStatus | undefined> {
  const text = await readText(paths.status).catch((error: unknown) => {
    throw stateFileError(paths, paths.status, error);
  });
  if (text === undefined) return undefined;
  const fix =
    'czar writes it whole, so something else changed it: delete it and the running czar writes it again within seconds (or "czar up" starts one).';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CzarError(
      'status_unreadable',
      `${paths.status} is not complete JSON (${(error as Error).message}); ${fix}`,
    );
  }
  // Loaded here, not at the top: zod is most of a simulated agent's start, and it writes reports through this file.
  const { FleetStatusSchema } = await import('../domain/status/status-schema.js');
  const parsed = FleetStatusSchema.safeParse(value);
  if (parsed.success) return value as FleetStatus;
  const issue = parsed.error.issues[0];
  const where = (issue?.path ?? [])
    .map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`))
    .join('')
    .replace(/^\./, '');
  const what = (issue?.message ?? 'unexpected content').replace(/^Invalid input: /, '');
  throw new CzarError(
    'status_unreadable',
    `${paths.status} is not a fleet status czar can read (${where === '' ? what : `${where}: ${what}`}); ${fix}`,
  );
}

/**
 * The status file a live czar wrote, checked only for the fields `czar status` reads; anything else (not JSON, a
 * field missing or of the wrong type) goes through `readStatusFile`, whose error names it.
 */
export async function readLiveStatusFile(paths: StatePaths): Promise<FleetStatus | undefined> {
  const text = await readText(paths.status).catch(() => undefined);
  try {
    const value: unknown = text === undefined ? undefined : JSON.parse(text);
    if (looksLikeStatus(value)) return value;
  } catch {
    // Named by the full reading below.
  }
  return readStatusFile(paths);
}

/** A state file the CLI cannot open because something else is in the way (a folder, `.czar` as a file). */
function stateFileError(paths: StatePaths, file: string, error: unknown): CzarError {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new CzarError(
    'state_unreadable',
    `${file} cannot be read (${code}); czar keeps its state in ${paths.root} as plain files, so move aside what is in the way and run "czar up" again.`,
    { cause: error },
  );
}

/** The fields every reader of an event relies on; a line without them was not written by czar. */
function isFleetEvent(value: unknown): value is FleetEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  return (
    typeof event.at === 'string' &&
    typeof event.kind === 'string' &&
    typeof event.message === 'string' &&
    (event.worker === undefined || typeof event.worker === 'string')
  );
}

/**
 * Appends one event line. O_APPEND writes of one line land whole and in order, so the CLI and the czar can both
 * append without a lost or torn line; after a failed write the next line starts a line of its own. Blocking, as
 * `writeAtomic` is.
 */
export async function appendEvent(paths: StatePaths, event: FleetEvent): Promise<void> {
  appendLineSync(paths.events, `${JSON.stringify(event)}\n`);
}

/**
 * Events after byte `offset`, and the new offset; a torn last line is left for the next read. A log shorter than
 * `offset` was replaced: it is read from the start, and `restarted` says so. Read with blocking calls: the czar reads
 * the few bytes its own pass just appended, and four round trips through the thread pool let other work into the
 * middle of a pass that a reader of status.json waits for.
 */
export function readEventsFrom(
  paths: StatePaths,
  offset: number,
): { events: FleetEvent[]; offset: number; restarted: boolean } {
  let descriptor;
  try {
    descriptor = openSync(paths.events, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], offset: 0, restarted: offset > 0 };
    throw stateFileError(paths, paths.events, error);
  }
  try {
    const { size } = fstatSync(descriptor);
    const restarted = size < offset;
    if (restarted) offset = 0;
    const buffer = Buffer.alloc(size - offset);
    try {
      readSync(descriptor, buffer, 0, buffer.length, offset);
    } catch (error) {
      // A folder opens fine on Linux and fails only here.
      throw stateFileError(paths, paths.events, error);
    }
    const text = buffer.toString('utf8');
    const end = text.lastIndexOf('\n') + 1;
    const events: FleetEvent[] = [];
    for (const line of text.slice(0, end).split('\n')) {
      if (line.trim() === '') continue;
      try {
        const value: unknown = JSON.parse(line);
        if (isFleetEvent(value)) events.push(value);
      } catch {
        // A line that is not JSON (or not an event) was not written by czar; skip it rather than stop reading the log.
      }
    }
    return { events, offset: offset + Buffer.byteLength(text.slice(0, end)), restarted };
  } finally {
    closeSync(descriptor);
  }
}
