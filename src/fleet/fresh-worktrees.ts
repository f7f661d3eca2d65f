import { randomUUID } from 'node:crypto';
import { removeFile } from '../adapters/file-system.js';
import { readJson, writeJsonAtomic } from '../adapters/state-files.js';
import type { StatePaths } from '../domain/model/paths.js';

/** The variable naming, in the czar's environment, the launch that started it. */
export const LAUNCH_ID_VARIABLE = 'CZAR_LAUNCH_ID';

/** Per worker, the stamp of the index of the worktree the launch made, clean, just before its agent started. */
export type FreshWorktrees = ReadonlyMap<string, string>;

interface Handover {
  readonly launch: string;
  readonly worktrees: Record<string, string>;
}

/**
 * Writes what a launch knows of the worktrees it made for the czar it is about to start; returns the launch's id,
 * which only that czar is given. A czar started any other way (by hand, or after a reboot) looks at every worktree.
 */
export async function handOverFreshWorktrees(paths: StatePaths, fresh: FreshWorktrees): Promise<string> {
  const launch = randomUUID();
  const handover: Handover = { launch, worktrees: Object.fromEntries(fresh) };
  await writeJsonAtomic(paths.freshWorktrees, handover);
  return launch;
}

/** The czar's side: what its own launch handed over, read once and removed; nothing when another launch wrote it. */
export async function takeFreshWorktrees(paths: StatePaths, launch: string | undefined): Promise<FreshWorktrees> {
  if (launch === undefined || launch === '') return new Map();
  const handover = await readJson<Partial<Handover>>(paths.freshWorktrees);
  if (handover?.launch !== launch || typeof handover.worktrees !== 'object' || handover.worktrees === null)
    return new Map();
  await removeFile(paths.freshWorktrees);
  return new Map(Object.entries(handover.worktrees).filter((entry) => typeof entry[1] === 'string'));
}
