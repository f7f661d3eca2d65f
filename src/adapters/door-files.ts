import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { reportStream, statePaths } from '../domain/model/paths.js';

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

/** A request a boxed worker's `czar spawn` left in its door: its file name's id and what it holds (unparsed). */
export interface DoorRequest {
  readonly id: string;
  readonly value: unknown;
}

/** Larger than any request a worker may make (a task is at most 1 MiB, then quoted in JSON). */
const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

function doorRequests(door: string): string {
  return path.join(door, 'requests');
}

/**
 * The requests waiting in a door, each taken out of it as it is read (so none is read twice): a file too large or not
 * JSON is read as undefined, for the caller to refuse.
 */
export async function takeDoorRequests(door: string): Promise<DoorRequest[]> {
  const folder = doorRequests(door);
  if (!(await realFolder(folder))) return [];
  const names = await readdir(folder).catch(() => [] as string[]);
  const taken: DoorRequest[] = [];
  for (const name of names.filter((file) => file.endsWith('.json') && !file.endsWith('.result.json')).sort()) {
    const file = path.join(folder, name);
    const info = await lstat(file).catch(() => undefined);
    if (info === undefined) continue;
    const text = info.isFile() && info.size <= MAX_REQUEST_BYTES ? await readFile(file, 'utf8').catch(() => '') : '';
    await rm(file, { force: true });
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    taken.push({ id: name.slice(0, -'.json'.length), value });
  }
  return taken;
}

/** Puts czar's answer to a request where the worker's `czar spawn` waits for it. */
export async function answerInDoor(door: string, id: string, result: unknown): Promise<void> {
  const folder = doorRequests(door);
  if (await realFolder(folder))
    await writeInDoor(path.join(folder, `${id}.result.json`), `${JSON.stringify(result)}\n`);
}

/**
 * Writes a file in a door. The worker writes there too and may have left a link where czar writes: a new file of an
 * unguessable name (never following a link) then renamed over it, so only the link itself is replaced.
 */
export async function writeInDoor(file: string, text: string): Promise<void> {
  // Blocking calls: a small file, written as a launch writes twenty doors' (see `freshDoor`).
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, text, { mode: 0o600, flag: 'wx' });
  renameSync(temp, file);
}

/** A folder of the door that is a folder, not a link a worker put there to send czar elsewhere. */
async function realFolder(folder: string): Promise<boolean> {
  const info = await lstat(folder).catch(() => undefined);
  return info?.isDirectory() === true;
}

/**
 * Makes a door afresh for a new agent: its `folders` (its reports among them) emptied, so what the last agent reported
 * is not read as this one's, and what it left there (a link among them) is removed, so czar writes the launch record
 * and proof into folders of its own making.
 */
export async function freshDoor(door: string, folders: readonly string[]): Promise<void> {
  // Blocking calls for the small steps (a launch opens twenty doors together, and each promise call waited its turn in
  // the thread pool behind the others' files); what an agent left, which may be large, is removed without holding the
  // loop.
  rmSync(offsetFile(door), { force: true });
  mkdirSync(door, { recursive: true, mode: 0o700 });
  const left = folders.filter((folder) => lstatSync(folder, { throwIfNoEntry: false }) !== undefined);
  await Promise.all(left.map((folder) => rm(folder, { recursive: true, force: true })));
  for (const folder of folders) mkdirSync(folder, { recursive: true, mode: 0o700 });
}

/**
 * The report stream of a door's own worker, read from outside its box by the host's `czar watch`: undefined unless the
 * door, its reports folder and the stream are the folders and file czar made, not links the worker put there to have
 * czar read something else.
 */
export async function doorReportStream(door: string, worker: string): Promise<string | undefined> {
  const stream = reportStream(statePaths(door), worker);
  if (!(await realFolder(door)) || !(await realFolder(path.dirname(stream)))) return undefined;
  const info = await lstat(stream).catch(() => undefined);
  return info?.isFile() === true ? stream : undefined;
}
