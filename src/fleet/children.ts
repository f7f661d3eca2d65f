import path from 'node:path';
import { listFolder, makeFolder } from '../adapters/file-system.js';
import { readJson, writeJsonAtomic } from '../adapters/state-files.js';
import type { Config, WorkerSpec } from '../domain/model/config-types.js';
import { WORKER_NAME } from '../domain/model/words.js';
import { childRecordFile, childrenFolder, type StatePaths } from '../domain/model/paths.js';
import type { Fleet } from './handle.js';

/**
 * The workers spawned by other workers (`czar spawn`): each child's spec is kept in `.czar/children/<name>.json`, so
 * every czar command (status, down, purge) and a restarted czar see the fleet as the config plus its children.
 */
export interface ChildRecord {
  readonly spec: WorkerSpec;
  /** When it was spawned (ISO): children join the fleet in that order. */
  readonly at: string;
  /** Cancelled children are stopped for good: no `czar up` starts them again. */
  readonly cancelled?: boolean | undefined;
}

export async function saveChild(paths: StatePaths, record: ChildRecord): Promise<void> {
  await makeFolder(childrenFolder(paths), 0o700);
  await writeJsonAtomic(childRecordFile(paths, record.spec.name), record);
}

/** The children recorded for this state dir, oldest first; a record that is not one is skipped. */
export async function readChildren(paths: StatePaths): Promise<ChildRecord[]> {
  const files = await listFolder(childrenFolder(paths)).catch(() => [] as string[]);
  const records = await Promise.all(
    files
      .filter((file) => file.endsWith('.json') && WORKER_NAME.test(file.slice(0, -'.json'.length)))
      .map((file) => readJson<ChildRecord>(path.join(childrenFolder(paths), file))),
  );
  return records
    .filter((record): record is ChildRecord => typeof record?.spec.name === 'string' && typeof record.at === 'string')
    .sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * The config with its live children as workers, each after the config's own: a child whose parent is no longer in
 * the fleet (or whose name a configured worker took) stays out, so it is never started without its parent.
 */
export function withChildren(config: Config, records: readonly ChildRecord[]): Config {
  const workers = [...config.workers];
  for (const { spec, cancelled } of records) {
    if (cancelled === true || workers.some((worker) => worker.name === spec.name)) continue;
    if (workers.some((worker) => worker.name === spec.parent)) workers.push(spec);
  }
  return workers.length === config.workers.length ? config : { ...config, workers };
}

/** Adds a child the czar just spawned to the fleet this process runs. */
export function joinFleet(fleet: Fleet, spec: WorkerSpec): void {
  fleet.config = withChildren(fleet.config, [{ spec, at: new Date().toISOString() }]);
}

/** Records a child, so every later czar command and a restarted czar know it. */
export async function recordChild(paths: StatePaths, spec: WorkerSpec, at: number): Promise<void> {
  await saveChild(paths, { spec, at: new Date(at).toISOString() });
}

/** Marks a child cancelled, so no later `czar up` starts it again (its record stays for `czar down --purge`). */
export async function cancelChild(fleet: Fleet, spec: WorkerSpec): Promise<void> {
  const record = (await readChildren(fleet.paths)).find((child) => child.spec.name === spec.name);
  await saveChild(fleet.paths, { spec, at: record?.at ?? new Date().toISOString(), cancelled: true });
}
