import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { showDashboard } from '../follow.js';
import { CzarError } from '../../domain/errors.js';

export const dashboardCommand: Command = {
  name: 'dashboard',
  summary: 'open the live dashboard on a running fleet (closing it never stops the czar)',
  usage: 'czar dashboard [-c czar.yaml]',
  async run(args) {
    const { values } = parse(this, args, CONFIG_OPTION, 0);
    if (!process.stdout.isTTY || !process.stdin.isTTY) {
      throw new CzarError(
        'no_terminal',
        'The dashboard needs a terminal; use "czar status" or "czar log" from scripts.',
      );
    }
    await showDashboard(await fleetFrom(values.config));
    return 0;
  },
};
