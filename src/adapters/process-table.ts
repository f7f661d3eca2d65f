import { readFileSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import type { ProcessLink } from '../domain/model/fleet-membership.js';

/**
 * Questions about other processes answered from /proc and signal 0, without starting one: light enough for the
 * commands that must answer fast (`czar status`), which do not load the process runner.
 */

/** Whether a process with this pid runs (one owned by another user counts: signalling it is refused, not absent). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !zombie(pid);
}

/**
 * Whether the process has exited and waits to be reaped: signal 0 still reaches it, though it holds nothing (a door
 * killed on a host whose init does not reap its orphans). Where /proc cannot say, it is not one.
 */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** Whether the process runs and is not a zombie waiting for its parent to reap it (a zombie has stopped for good). */
export async function processRunning(pid: number): Promise<boolean> {
  if (!processAlive(pid)) return false;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return !/^\d+ \(.*\) Z/s.test(stat);
}

/** The argument vector of a running process, or undefined when it is gone or cannot be read. */
export async function processArgv(pid: number): Promise<string[] | undefined> {
  const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return text === undefined || text === '' ? undefined : text.replace(/\0$/, '').split('\0');
}

/** A parent chain is short; the bound only guards against a /proc that changes under the walk. */
const MAX_LINEAGE = 64;

/** The process and its ancestors, nearest first, as far as /proc shows them (init and a vanished parent end it). */
export async function processLineage(pid: number): Promise<ProcessLink[]> {
  const lineage: ProcessLink[] = [];
  for (let current = pid; current > 1 && lineage.length < MAX_LINEAGE;) {
    const stat = await readFile(`/proc/${current}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) break;
    // The fields after the command name (which may hold spaces and parentheses): state, ppid, pgrp, session.
    const [, ppid = 0, , session = 0] = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    lineage.push({ pid: current, ppid, session });
    current = ppid;
  }
  return lineage;
}

/** The folder a process runs in, links resolved, or undefined when it is gone or cannot be read. */
export function processFolder(pid: number): Promise<string | undefined> {
  return readlink(`/proc/${pid}/cwd`).catch(() => undefined);
}

/** The pids whose parent is `pid`, read from /proc (a process that ends during the read is skipped). */
export async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
  }
  return children;
}

/** A process's command name as the kernel keeps it (`tmux: server`), or undefined when it is gone. */
export async function processName(pid: number): Promise<string | undefined> {
  const name = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => undefined);
  return name?.trimEnd();
}
