import { budgetUsd, MAX_BUDGET_USD } from '../../domain/model/czar-request.js';
import { CONFIG_OPTION, outOfRange, parse, usageError, type Command } from '../command.js';
import { fleetFrom, requireWorker } from '../context.js';
import { requestOrThrow } from '../person-actions.js';
import { out } from '../output.js';

/** Sets a worker's or the fleet's dollar limit in the running czar; the web page's button asks the same. */
export const budgetCommand: Command = {
  name: 'budget',
  summary: "set a worker's dollar budget, or the fleet's, in the running czar (until it stops)",
  usage: 'czar budget <worker>|--fleet --usd N [-c czar.yaml]',
  async run(args) {
    const { values, positionals } = parse(
      this,
      args,
      { ...CONFIG_OPTION, fleet: { type: 'boolean' }, usd: { type: 'string' } },
      1,
    );
    if ((values.fleet === true) === (positionals[0] !== undefined))
      throw usageError(this, 'name one worker or --fleet');
    if (values.usd === undefined) throw usageError(this, 'give the new limit in dollars with --usd');
    const usd = budgetUsd(values.usd);
    const dollars = `a dollar amount above 0 and up to ${MAX_BUDGET_USD}, e.g. --usd 20`;
    if (usd === undefined && /^-?\$?\d+(\.\d{1,2})?$/.test(values.usd.trim()))
      throw outOfRange(this, '--usd', values.usd, dollars);
    if (usd === undefined)
      throw usageError(this, `--usd ${JSON.stringify(values.usd)} is not a dollar amount; give ${dollars}`);
    const fleet = await fleetFrom(this, values.config);
    const worker = values.fleet === true ? undefined : requireWorker(fleet, positionals[0], 'budget');
    out(await requestOrThrow(fleet, worker === undefined ? { kind: 'budget', usd } : { kind: 'budget', worker, usd }));
    return 0;
  },
};
