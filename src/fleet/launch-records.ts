import { listFolder } from '../adapters/file-system.js';
import path from 'node:path';
import { readJson, readSmallJson, writeJsonAtomic } from '../adapters/state-files.js';
import { launchRecordFile, type StatePaths } from '../domain/model/paths.js';
import type { PresetName } from '../domain/model/config-types.js';

/**
 * What czar did to bring a worker up: enough to adopt the session after a restart and never deliver a task twice.
 * Written by whoever launches (`up` or the czar), one file per worker.
 */
export interface LaunchRecord {
  readonly worker: string;
  readonly paneId: string;
  readonly branch: string;
  readonly worktree: string;
  readonly agent: string;
  readonly launchedAt: string;
  /** Set just before the paste, so a crash between paste and confirmation is visible as "unknown". */
  readonly deliveryStartedAt?: string;
  readonly deliveredAt?: string;
  /** Ids of the tasks handed to this worker, in order: its own, then bonus tasks. */
  readonly tasks: readonly string[];
  /** `taskDigest` of the worker's own task as delivered, so `up` can tell when the config's task changed since. */
  readonly taskDigest?: string;
  /** The agent's own conversation czar last resumed: a later restart looks for it when no hook has named one. */
  readonly conversation?: string;
}

export async function readLaunchRecord(paths: StatePaths, worker: string): Promise<LaunchRecord | undefined> {
  return readSmallJson<LaunchRecord>(launchRecordFile(paths, worker));
}

export async function writeLaunchRecord(paths: StatePaths, record: LaunchRecord): Promise<void> {
  await writeJsonAtomic(launchRecordFile(paths, record.worker), record);
}

export async function readLaunchRecords(paths: StatePaths): Promise<Map<string, LaunchRecord>> {
  const records = new Map<string, LaunchRecord>();
  const files = await listFolder(paths.workers).catch(() => [] as string[]);
  for (const file of files) {
    if (!file.endsWith('.json')) continue;
    const record = await readJson<LaunchRecord>(path.join(paths.workers, file));
    if (record !== undefined) records.set(record.worker, record);
  }
  return records;
}

/** What `startOnHost` writes in the host's state dir for each worker (`czar report` there checks it exists). */
export interface HostLaunchRecord {
  readonly worker: string;
  readonly branch: string;
  readonly worktree: string;
  readonly agent: string;
  readonly launchedAt: string;
  readonly preset: PresetName;
  /** The variables that say where the agent keeps its records (HOME, CLAUDE_CONFIG_DIR, CODEX_HOME), as it runs. */
  readonly recordsEnv: Readonly<Record<string, string>>;
}
