import { readJson, readStatusFile } from '../../adapters/state-files.js';
import { doorViewFile } from '../../domain/model/paths.js';
import { doorView, doorViewSchema, peerLines, startingView, type DoorView } from '../../domain/status/door-view.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom, requireRunningFleet } from '../context.js';
import { json, out, outRow } from '../output.js';

/**
 * What the other workers are doing and which files they are changing: the preamble asks every worker to run this
 * before starting something new, which is how duplicated work is avoided up front. Inside a box, the view czar keeps
 * in the worker's door is all there is to read.
 */
export const peersCommand: Command = {
  name: 'peers',
  forWorkers: true,
  summary: 'show what the other workers are doing and which files they change (run by workers)',
  usage: 'czar peers [worker] [-c czar.yaml] [--json]',
  async run(args) {
    const { values, positionals } = parse(this, args, { ...CONFIG_OPTION, json: { type: 'boolean' } }, 1);
    const view =
      (await doorViewHere()) ?? (await fleetView(this, values.config, positionals[0] ?? process.env.CZAR_WORKER));
    if (values.json === true) {
      out(
        json(
          view.peers.map(({ moreFiles: _more, ...peer }) => peer),
          2,
        ),
      );
      return 0;
    }
    for (const line of peerLines(view)) outRow(line);
    return 0;
  },
};

/** The view in a boxed worker's door, when this runs in one (its state dir is the door). */
async function doorViewHere(): Promise<DoorView | undefined> {
  const stateDir = process.env.CZAR_STATE_DIR;
  if (stateDir === undefined || stateDir === '') return undefined;
  const parsed = doorViewSchema.safeParse(await readJson<unknown>(doorViewFile(stateDir)));
  return parsed.success ? parsed.data : undefined;
}

async function fleetView(command: Command, config: string | undefined, me: string | undefined): Promise<DoorView> {
  const fleet = await fleetFrom(command, config);
  const status = await readStatusFile(fleet.paths);
  if (status !== undefined) return doorView(status, me ?? '');
  await requireRunningFleet(fleet);
  // Workers run this first thing, often before the czar's first status: the config already says who does what.
  return startingView(fleet.config.workers, me ?? '');
}
