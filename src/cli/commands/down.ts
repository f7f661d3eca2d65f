import { rm } from 'node:fs/promises';
import * as git from '../../adapters/git.js';
import { launchRecordFile } from '../../domain/paths.js';
import { CzarError } from '../../domain/errors.js';
import { CONFIG_OPTION, parse, usageError, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { out } from '../output.js';

/**
 * Stops the fleet. Branches, worktrees and uncommitted work stay unless --purge says otherwise, and even --purge
 * refuses to drop unmerged or uncommitted work without --force.
 */
export const downCommand: Command = {
  name: 'down',
  summary: 'stop every session (the czar too); keep branches and worktrees unless --purge',
  usage: 'czar down [-c czar.yaml] [--purge [--force]]',
  async run(args) {
    const { values } = parse(this, args, { ...CONFIG_OPTION, purge: { type: 'boolean' }, force: { type: 'boolean' } }, 0);
    if (values.force === true && values.purge !== true) throw usageError(this, '--force only goes with --purge');
    const fleet = await fleetFrom(values.config);
    const sessions = await fleet.tmux.listSessions();
    await fleet.log.emit('fleet_down', `stopping ${sessions.length} session(s)${values.purge === true ? ' and purging worktrees' : ''}`);
    await fleet.tmux.killServer();
    out(`stopped ${sessions.length} session(s) on tmux server "${fleet.config.tmuxSocket}"`);
    if (values.purge !== true) {
      out('branches and worktrees are kept; "czar down --purge" removes them');
      return 0;
    }
    const refused: string[] = [];
    const worktrees = await git.listWorktrees(fleet.config.repo);
    for (const worker of fleet.config.workers) {
      const registered = worktrees.some((entry) => entry.path === worker.worktree);
      if (registered) {
        const dirty = await git.dirtyPaths(worker.worktree);
        if (dirty.length > 0 && values.force !== true) {
          refused.push(`${worker.name}: ${dirty.length} uncommitted change(s) in ${worker.worktree}`);
          continue;
        }
        await git.git(fleet.config.repo, ['worktree', 'remove', ...(values.force === true ? ['--force'] : []), worker.worktree]);
      }
      if (await git.branchExists(fleet.config.repo, worker.branch)) {
        const deleted = await git.git(fleet.config.repo, ['branch', values.force === true ? '-D' : '-d', worker.branch], { allowFailure: true });
        if (deleted.exitCode !== 0) {
          refused.push(`${worker.name}: branch ${worker.branch} has commits not merged into the checked-out branch`);
          continue;
        }
      }
      await rm(launchRecordFile(fleet.paths, worker.name), { force: true });
      out(`purged ${worker.name}: worktree and branch ${worker.branch} removed`);
    }
    if (refused.length > 0) {
      throw new CzarError('purge_refused', `Kept ${refused.length} worker(s) whose work would be lost; merge or commit it, or run "czar down --purge --force" to discard it.`, { details: refused });
    }
    return 0;
  },
};
