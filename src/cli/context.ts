import { liveLockHolder } from '../adapters/lock-file.js';
import { findConfig } from '../config/find.js';
import { loadConfig } from '../config/load.js';
import { openFleet, verifyServerOwner, type Fleet } from '../fleet/handle.js';
import { readChildren, withChildren } from '../fleet/children.js';
import { readRoutes, withRoutes } from '../fleet/routes.js';
import { readBriefed, withLessons } from '../fleet/briefed-lessons.js';
import { statePaths } from '../domain/model/paths.js';
import type { FleetEvent } from '../domain/model/words.js';
import { CzarError } from '../domain/model/errors.js';
import type { Command } from './command.js';
import { refuseInsideFleet } from './fleet-guard.js';

/**
 * Loads the config named by `-c` (or found from the current folder) and opens its fleet, if its tmux server is its
 * own; a person's command is refused where it runs inside that fleet.
 */
export async function fleetFrom(
  command: Pick<Command, 'name' | 'forWorkers'>,
  configOption: string | undefined,
  echo?: (event: FleetEvent) => void,
): Promise<Fleet> {
  const file = findConfig(process.cwd(), configOption ?? process.env.CZAR_CONFIG);
  const config = await loadConfig(file);
  const paths = statePaths(config.stateDir);
  const routed = withRoutes(withChildren(config, await readChildren(paths)), await readRoutes(paths));
  const fleet = openFleet(withLessons(routed, await readBriefed(paths)), echo);
  await verifyServerOwner(fleet);
  if (command.forWorkers !== true) await refuseInsideFleet(fleet, command.name);
  return fleet;
}

/**
 * Refuses a command about a running fleet when none runs for this config: its tmux server is not running and no
 * "czar up" is starting it, so there is nothing to show but what the config says.
 */
export async function requireRunningFleet(fleet: Fleet): Promise<void> {
  if ((await fleet.tmux.serverRunning()) || (await liveLockHolder(fleet.paths.upLock)) !== undefined) return;
  throw new CzarError('no_fleet', `No fleet is running for ${fleet.config.file}; start one with "czar up".`);
}

/** A worker named on the command line, checked against the config so a typo says which names exist. */
export function requireWorker(fleet: Fleet, name: string | undefined, commandName: string): string {
  const names = fleet.config.workers.map((worker) => worker.name);
  if (name === undefined) {
    throw new CzarError(
      'usage',
      `"czar ${commandName}" needs a worker name; the workers in ${fleet.config.file} are: ${names.join(', ')}.`,
    );
  }
  if (!names.includes(name)) {
    throw new CzarError(
      'unknown_worker',
      `There is no worker "${name}" in ${fleet.config.file}; the workers are: ${names.join(', ')}.`,
    );
  }
  return name;
}
