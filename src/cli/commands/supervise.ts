import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { formatEvent, outRow } from '../output.js';

/** The czar process itself; `czar up` runs it in the fleet's tmux session "czar". */
export const superviseCommand: Command = {
  name: 'supervise',
  summary: 'run the czar in the foreground (czar up starts it in the tmux session "czar")',
  usage: 'czar supervise [-c czar.yaml]',
  async run(args) {
    const { values } = parse(this, args, CONFIG_OPTION, 0);
    const fleet = await fleetFrom(values.config, (event) => outRow(formatEvent(event)));
    const { Supervisor } = await import('../../supervisor/supervisor.js');
    const supervisor = new Supervisor(fleet);
    const stop = (): void => void supervisor.stop();
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
    await supervisor.start();
    await supervisor.done;
    return 0;
  },
};
