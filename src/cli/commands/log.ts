import { readEventsFrom } from '../../adapters/state-files.js';
import { CONFIG_OPTION, parse, wholeNumberOption, type Command } from '../command.js';
import { fleetFrom, requireRunningFleet, requireWorker } from '../context.js';
import { formatEvent, json, out, outRow } from '../output.js';

export const logCommand: Command = {
  name: 'log',
  forWorkers: true,
  summary: "show the czar's events (transitions and actions, with reasons), for the fleet or one worker",
  usage: 'czar log [worker] [-c czar.yaml] [--json] [-n N]',
  async run(args) {
    const { values, positionals } = parse(
      this,
      args,
      { ...CONFIG_OPTION, json: { type: 'boolean' }, lines: { type: 'string', short: 'n' } },
      1,
    );
    const limit = wholeNumberOption(this, '-n', values.lines);
    const fleet = await fleetFrom(this, values.config);
    const worker = positionals[0] === undefined ? undefined : requireWorker(fleet, positionals[0], 'log');
    const { events } = readEventsFrom(fleet.paths, 0);
    // The events of a fleet that stopped are still worth reading; with none, there is no fleet to speak of.
    if (events.length === 0) await requireRunningFleet(fleet);
    const mine = events.filter((event) => worker === undefined || event.worker === worker);
    for (const event of mine.slice(-(limit ?? mine.length))) {
      if (values.json === true) out(json(event));
      else outRow(formatEvent(event));
    }
    return 0;
  },
};
