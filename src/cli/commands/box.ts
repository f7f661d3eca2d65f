import path from 'node:path';
import { keepFleetDoor, runFleetDoor, stopFleetDoor } from '../../adapters/fleet-door.js';
import { CzarError } from '../../domain/model/errors.js';
import { type Command } from '../command.js';

/** The fleet's network door (see `adapters/fleet-door.ts`): started by czar, once for every boxed worker. */
export const boxDoorCommand: Command = {
  name: 'box-door',
  forWorkers: true,
  summary: "serve the boxed workers' network door (started by czar, once per fleet)",
  usage: 'czar box-door [--stop | --start] <state dir>',
  async run(args) {
    // `--stop`: as `czar down` stops a host's door there; `--start`: as the czar starts a host's door again there
    // (in a process of its own, unless one runs).
    const flag = args[0] === '--stop' || args[0] === '--start' ? args[0] : undefined;
    const [stateDir, ...rest] = flag === undefined ? args : args.slice(1);
    if (stateDir === undefined || rest.length !== 0 || !path.isAbsolute(stateDir))
      throw new CzarError(
        'usage',
        `czar box-door takes the absolute path of a fleet's state dir, as czar starts it, not "${args.join(' ').slice(0, 200)}"; czar up starts it itself.`,
      );
    await (flag === '--stop'
      ? stopFleetDoor(stateDir)
      : flag === '--start'
        ? keepFleetDoor(stateDir)
        : runFleetDoor(stateDir));
    return 0;
  },
};
