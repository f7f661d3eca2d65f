import path from 'node:path';
import { pathExistsSync } from '../../adapters/file-system.js';
import { czarCommand } from '../../adapters/package-files.js';
import { cleanEnv, spawnDetached } from '../../adapters/process.js';
import { removePrivateAgentFiles } from '../../adapters/private-files.js';
import { clearSprintState, removeOrphanedTemps } from '../../adapters/state-files.js';
import { acquireLock, liveLockHolder } from '../../adapters/lock-file.js';
import { CzarError } from '../../domain/model/errors.js';
import { hostsNotStoppedError, stopHosts } from '../../launch/hosts-down.js';
import { purgeFleet } from '../../launch/purge.js';
import { stopFleetServer } from '../../fleet/server-stop.js';
import { CONFIG_OPTION, parse, usageError, type Command } from '../command.js';
import { insideFleetServer } from '../person-actions.js';
import { fleetFrom } from '../context.js';
import type { Fleet } from '../../fleet/handle.js';
import { out } from '../output.js';

/**
 * Stops the fleet. Branches, worktrees and uncommitted work stay unless --purge says otherwise; --purge removes only
 * what czar made, and refuses to drop unmerged or uncommitted work without --force.
 */
export const downCommand: Command = {
  name: 'down',
  summary: 'stop every session (the czar too); keep branches and worktrees unless --purge',
  usage: 'czar down [-c czar.yaml] [--purge [--force]]',
  async run(args) {
    const { values } = parse(
      this,
      args,
      { ...CONFIG_OPTION, purge: { type: 'boolean' }, force: { type: 'boolean' } },
      0,
    );
    if (values.force === true && values.purge !== true) throw usageError(this, '--force only goes with --purge');
    const fleet = await fleetFrom(this, values.config);
    // Stopping the server from one of its own panes would kill this process first and stop nothing.
    if (insideFleetServer(fleet)) return downFromOutside(fleet, values.purge === true);
    const release = await waitForLaunch(fleet);
    try {
      return await stopFleet(fleet, values.purge === true, values.force === true);
    } finally {
      await release?.();
    }
  },
};

/**
 * A `czar up` still launching would go on making sessions after the server stopped (and start a new one): `down`
 * waits for it, saying so, and holds its lock while it stops, so an `up` started meanwhile comes after it.
 */
async function waitForLaunch(fleet: Fleet): Promise<(() => Promise<void>) | undefined> {
  if ((await liveLockHolder(fleet.paths.upLock)) === undefined) return undefined;
  return acquireLock(fleet.paths.upLock, {
    timeoutMs: LAUNCH_WAIT_MS,
    what: 'The "czar up" launching the fleet',
    onWait: (holder) =>
      out(
        `waiting for the "czar up" launching the fleet (pid ${holder.pid}, since ${holder.since}) to finish; then everything it started is stopped`,
      ),
  });
}

/** A launch of hundreds of workers takes minutes on a busy machine. */
const LAUNCH_WAIT_MS = 10 * 60_000;

async function stopFleet(fleet: Fleet, purge: boolean, force: boolean): Promise<number> {
  const sessions = await fleet.tmux.listSessions();
  await stopFleetServer(fleet);
  // A state dir deleted by hand must not keep the fleet running: stop first, then log where there is a log.
  if (pathExistsSync(fleet.paths.root))
    await fleet.log.emit('fleet_down', `stopped ${sessions.length} session(s)${purge ? ' and purging worktrees' : ''}`);
  out(`stopped ${sessions.length} session(s) on tmux server "${fleet.config.tmuxSocket}"`);
  await removeOrphanedTemps(fleet.paths.root);
  // After the local server: the czar in it is gone, so nothing starts a host's watch again.
  const hosts = await stopHosts(fleet);
  for (const host of hosts) if (host.stopped) out(`stopped ${host.sessions} session(s) on host "${host.host}"`);
  // Purging with workers still running on a host would take their branches from under them: stop first.
  const notStopped = hostsNotStoppedError(hosts);
  if (notStopped !== undefined) throw notStopped;
  if (!purge) {
    out('branches and worktrees are kept; "czar down --purge" removes them');
    return 0;
  }
  const outcome = await purgeFleet(fleet, force);
  for (const line of [...outcome.purged, ...outcome.kept]) out(line);
  if (outcome.refused.length === 0) {
    await clearSprintState(fleet.paths);
    await removePrivateAgentFiles(fleet.config.project, fleet.paths.root);
    out(`cleared the sprint's state in ${fleet.paths.root}; the next "czar up" starts a new sprint`);
  } else {
    throw new CzarError(
      'purge_refused',
      force
        ? `Kept ${outcome.refused.length} worker(s), each named below with why (a record czar does not trust, or a removal git refused); nothing of theirs was removed.`
        : `Kept ${outcome.refused.length} worker(s) whose work would be lost; merge it into base or commit it, or run "czar down --purge --force" to discard it.`,
      { details: outcome.refused },
    );
  }
  return 0;
}

/**
 * `down` asked for from a pane of the fleet's own server: the stop runs in a process of its own outside the server,
 * which the kill does not reach. A purge refuses instead: what it removed or kept would be said to a pane that is gone.
 */
function downFromOutside(fleet: Fleet, purge: boolean): number {
  const server = fleet.config.tmuxSocket;
  if (purge) {
    throw new CzarError(
      'down_inside_server',
      `"czar down --purge" runs in a pane of the fleet's own tmux server "${server}", which it would stop before it could say what it removed or kept; run it from a terminal outside that server (detach with Ctrl-b d first).`,
    );
  }
  const [file = process.execPath, ...args] = czarCommand();
  // cleanEnv drops TMUX: the process outside is not in the server, so it stops the fleet as from any terminal.
  spawnDetached(file, [...args, 'down', '-c', fleet.config.file], {
    cwd: path.dirname(fleet.config.file),
    env: cleanEnv(),
  });
  out(
    `stopping the fleet from a process outside its tmux server "${server}"; this pane is one of its panes and closes with it, and "czar log" shows the stop`,
  );
  return 0;
}
