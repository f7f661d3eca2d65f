import path from 'node:path';
import { pathExistsSync, resolveLinks } from '../adapters/file-system.js';
import { PACKAGE_ROOT } from '../adapters/package-files.js';
import { which } from '../adapters/which.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import type { Fleet } from '../fleet/handle.js';

/** What every box reads although it may sit under the home or /tmp: the repository, czar's install, node. */
export function systemFolders(fleet: Fleet): string[] {
  return [fleet.config.repo, PACKAGE_ROOT, path.dirname(path.dirname(process.execPath))];
}

/** What every box hides: the siblings' worktrees and the tmux server's socket folder, those that exist. */
export function hiddenFolders(fleet: Fleet): string[] {
  return [fleet.config.worktrees, path.dirname(fleet.tmux.socketPath())].filter((dir) => pathExistsSync(dir));
}

/**
 * The folders the agent's program is read from, kept readable when they sit under the home or /tmp: the folder of
 * the command found on PATH and, for a program installed by npm, the `node_modules` it loads its code from.
 */
export async function agentFolders(worker: WorkerSpec, pathVariable: string | undefined): Promise<string[]> {
  const found = await which(worker.agent.command, worker.worktree, pathVariable);
  if (found === undefined) return [];
  const real = await resolveLinks(found).catch(() => found);
  const modules = real.split(path.sep).lastIndexOf('node_modules');
  const loadedFrom =
    modules > 0
      ? real
          .split(path.sep)
          .slice(0, modules + 1)
          .join(path.sep)
      : path.dirname(real);
  return [...new Set([path.dirname(found), loadedFrom])];
}
