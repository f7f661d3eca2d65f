import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { readJson, writeJsonAtomic } from './state-files.js';

/**
 * A check's (or a reviewer's) processes, found again. Each run carries a marker in its environment that every process it starts
 * inherits, a daemon that left the process group (`setsid`) too; the run is recorded on disk while it runs, so a
 * czar that was killed mid-check leaves enough behind for the next one to kill what still runs.
 */

/** The environment variable that marks the processes of a check run or a reviewer run. */
export const RUN_MARKER = 'CZAR_CHECK_RUN';

/** What a running check or reviewer leaves on disk. */
export interface CheckRunRecord {
  readonly marker: string;
  /** When its timeout would have stopped it. */
  readonly deadline: string;
  readonly cwd: string;
  readonly czarPid: number;
}

export function newRunMarker(): string {
  return randomUUID();
}

export async function recordRun(file: string, record: CheckRunRecord): Promise<void> {
  await writeJsonAtomic(file, record);
}

/** How long a kill waits for the marked processes to be gone. */
const REAP_MS = 5_000;

/** Kills a run a dead czar left behind (its record in `file`), daemons included, then forgets the record. */
export async function reapRun(file: string): Promise<void> {
  const record = await readJson<CheckRunRecord>(file).catch(() => undefined);
  if (record !== undefined && typeof record.marker === 'string' && record.marker !== '')
    await killMarked(record.marker);
  await rm(file, { force: true });
}

/**
 * SIGKILLs every process of this user whose environment carries `marker`, and the process group of any of them,
 * until none is left (a process may fork while its siblings die) or REAP_MS passed. The group is only signalled
 * through a live marked member, so a reused group id is never hit.
 */
export async function killMarked(marker: string): Promise<void> {
  const deadline = Date.now() + REAP_MS;
  let emptyLooks = 0;
  for (;;) {
    const marked = await markedProcesses(marker);
    emptyLooks = marked.length === 0 ? emptyLooks + 1 : 0;
    // Two empty looks in a row, not one: a process in the middle of an exec shows no environment for a moment (a
    // loaded CI machine left a `setsid sh -c '...; exec sleep 60'` daemon running that way).
    if (emptyLooks === 2 || Date.now() > deadline) return;
    for (const { pid, pgid } of marked) {
      signal(-pgid);
      signal(pid);
    }
    await sleep(20);
  }
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already, or not ours.
  }
}

/** Live processes (zombies are dead: their environment reads empty) carrying `marker`, with their group. */
export async function markedProcesses(marker: string): Promise<{ pid: number; pgid: number }[]> {
  const needle = Buffer.from(`${RUN_MARKER}=${marker}\0`);
  const found: { pid: number; pgid: number }[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    const environ = await readFile(`/proc/${entry}/environ`).catch(() => undefined);
    if (
      environ === undefined ||
      !(
        environ.subarray(0, needle.length).equals(needle) || environ.includes(Buffer.concat([Buffer.from([0]), needle]))
      )
    )
      continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The fields after the command name (which may hold spaces and parentheses): state, ppid, pgrp.
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    found.push({ pid, pgid: Number.isInteger(pgid) && pgid > 1 ? pgid : pid });
  }
  return found;
}
