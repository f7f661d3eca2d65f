import { CONFIG_OPTION, parse, usageError, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { showAllDashboards, showDashboard } from '../follow.js';
import { CzarError } from '../../domain/model/errors.js';

export const dashboardCommand: Command = {
  name: 'dashboard',
  summary: 'open the live dashboard on a running fleet (closing it never stops the czar)',
  usage: 'czar dashboard [-c czar.yaml] | czar dashboard --all',
  async run(args) {
    const { values } = parse(this, args, { ...CONFIG_OPTION, all: { type: 'boolean' } }, 0);
    if (!process.stdout.isTTY || !process.stdin.isTTY) {
      throw new CzarError(
        'no_terminal',
        'The dashboard needs a terminal; use "czar status" or "czar log" from scripts.',
      );
    }
    if (values.all === true) {
      if (values.config !== undefined) throw usageError(this, 'give either --all or -c, not both');
      await showAllDashboards();
      return 0;
    }
    await showDashboard(await fleetFrom(this, values.config));
    return 0;
  },
};
