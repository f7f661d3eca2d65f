import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom, requireWorker } from '../context.js';
import { commentRequest, requestOrThrow } from '../person-actions.js';
import { out } from '../output.js';

/** A person's review comment: kept by the running czar and delivered with any others between the worker's turns. */
export const commentCommand: Command = {
  name: 'comment',
  summary: 'leave a review comment for a worker, delivered between its turns; verified waits for a commit after it',
  usage: 'czar comment <worker> [FILE:LINE] <text...> [-c czar.yaml]',
  async run(args) {
    const { values, positionals } = parse(this, args, CONFIG_OPTION);
    const fleet = await fleetFrom(this, values.config);
    const worker = requireWorker(fleet, positionals[0], 'comment');
    out(await requestOrThrow(fleet, commentRequest(worker, positionals.slice(1).join(' '))));
    return 0;
  },
};
