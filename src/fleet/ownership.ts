import { appendToFile } from '../adapters/file-system.js';
import { readText } from '../adapters/state-files.js';
import type { StatePaths } from '../domain/model/paths.js';

/**
 * What czar made, recorded when it made it: `down --purge` removes these and nothing else, so a branch a worker was
 * given (or base itself) is never deleted. One JSON line per fact, appended: parallel launches never lose a line.
 */
type OwnershipLine =
  | {
      readonly made: 'branch' | 'worktree';
      readonly worker: string;
      readonly branch: string;
      readonly worktree: string;
      readonly at: string;
    }
  | {
      readonly removed: 'branch' | 'worktree';
      readonly branch: string;
      readonly worktree: string;
      readonly at: string;
    };

/** Who the integration branch is recorded for: no worker can have this name (worker names hold no parentheses). */
export const INTEGRATION_OWNER = '(integration)';

export interface Made {
  readonly worker: string;
  readonly branch: string;
  readonly worktree: string;
}

export interface Ownership {
  /** Branches czar created, by name. */
  readonly branches: ReadonlyMap<string, Made>;
  /** Worktrees czar added, by path. */
  readonly worktrees: ReadonlyMap<string, Made>;
}

export async function recordMade(paths: StatePaths, made: 'branch' | 'worktree', what: Made): Promise<void> {
  await append(paths, { made, ...what, at: new Date().toISOString() });
}

export async function recordRemoved(paths: StatePaths, removed: 'branch' | 'worktree', what: Made): Promise<void> {
  await append(paths, { removed, branch: what.branch, worktree: what.worktree, at: new Date().toISOString() });
}

export async function readOwnership(paths: StatePaths): Promise<Ownership> {
  const branches = new Map<string, Made>();
  const worktrees = new Map<string, Made>();
  for (const line of ((await readText(paths.created)) ?? '').split('\n')) {
    const entry = parseLine(line);
    if (entry === undefined) continue;
    if ('made' in entry) {
      const made = { worker: entry.worker, branch: entry.branch, worktree: entry.worktree };
      if (entry.made === 'branch') branches.set(entry.branch, made);
      else worktrees.set(entry.worktree, made);
    } else if (entry.removed === 'branch') branches.delete(entry.branch);
    else worktrees.delete(entry.worktree);
  }
  return { branches, worktrees };
}

async function append(paths: StatePaths, line: OwnershipLine): Promise<void> {
  await appendToFile(paths.created, `${JSON.stringify(line)}\n`, 0o600);
}

/** A line czar did not write (or a torn one) is skipped: it can only make purge keep more, never remove more. */
function parseLine(line: string): OwnershipLine | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    const strings = typeof value.branch === 'string' && typeof value.worktree === 'string';
    if (strings && (value.made === 'branch' || value.made === 'worktree') && typeof value.worker === 'string')
      return value as OwnershipLine;
    if (strings && (value.removed === 'branch' || value.removed === 'worktree')) return value as OwnershipLine;
  } catch {
    // Not JSON.
  }
  return undefined;
}
