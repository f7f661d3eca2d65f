import { placeOf } from '../../fleet/place.js';
import { CzarError } from '../../domain/model/errors.js';
import { CZAR_SESSION } from '../../domain/model/paths.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom, requireWorker } from '../context.js';
import { attachTo } from '../person-actions.js';
import { tmuxFor } from '../../fleet/panes.js';

export const attachCommand: Command = {
  name: 'attach',
  summary: "attach your terminal to a worker's tmux pane (detach with Ctrl-b d)",
  usage: 'czar attach <worker> [-c czar.yaml]',
  async run(args) {
    const { values, positionals } = parse(this, args, CONFIG_OPTION, 1);
    const fleet = await fleetFrom(this, values.config);
    const name = positionals[0] === CZAR_SESSION ? CZAR_SESSION : requireWorker(fleet, positionals[0], 'attach');
    // tmux would say only "open terminal failed: not a terminal".
    if (process.stdin.isTTY !== true) {
      throw new CzarError(
        'no_terminal',
        `"czar attach ${name}" needs a terminal, and its input is not one; run it from an interactive shell, or follow the worker with "czar log ${name}" and "czar status".`,
      );
    }
    const spec = fleet.config.workers.find((worker) => worker.name === name);
    if (!(await (spec === undefined ? fleet.tmux : tmuxFor(fleet, spec)).sessionExists(name))) {
      const where = spec === undefined ? '' : placeOf(fleet, spec).where;
      throw new CzarError(
        'no_session',
        `Worker "${name}" has no tmux session on server "${fleet.config.tmuxSocket}"${where}; start the fleet with "czar up".`,
      );
    }
    return attachTo(fleet, name);
  },
};
