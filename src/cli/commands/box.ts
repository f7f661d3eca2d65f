import path from 'node:path';
import { runFleetDoor } from '../../adapters/fleet-door.js';
import { CzarError } from '../../domain/model/errors.js';
import { type Command } from '../command.js';

/** The fleet's network door (see `adapters/fleet-door.ts`): started by czar, once for every boxed worker. */
export const boxDoorCommand: Command = {
  name: 'box-door',
  forWorkers: true,
  summary: "serve the boxed workers' network door (started by czar, once per fleet)",
  usage: 'czar box-door <state dir>',
  async run(args) {
    const [stateDir] = args;
    if (stateDir === undefined || args.length !== 1 || !path.isAbsolute(stateDir))
      throw new CzarError(
        'usage',
        `czar box-door takes the absolute path of a fleet's state dir, as czar starts it, not "${args.join(' ').slice(0, 200)}"; czar up starts it itself.`,
      );
    await runFleetDoor(stateDir);
    return 0;
  },
};
