import { constants } from 'node:os';
import { letGoOfHungUpTerminal } from '../../adapters/terminal.js';
import { LAUNCH_ID_VARIABLE } from '../../fleet/fresh-worktrees.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { formatEvent, outRow } from '../output.js';

/** A shutdown that waits on in-flight commands (a tmux call, a check that ignores SIGTERM) gives up after this. */
const SHUTDOWN_MS = 10_000;

/** The czar process itself; `czar up` runs it in the fleet's tmux session "czar". */
export const superviseCommand: Command = {
  name: 'supervise',
  summary: 'run the czar in the foreground (czar up starts it in the tmux session "czar")',
  usage: 'czar supervise [-c czar.yaml]',
  async run(args) {
    const { values } = parse(this, args, CONFIG_OPTION, 0);
    const fleet = await fleetFrom(this, values.config, (event) => outRow(formatEvent(event)));
    // The czar lives in the server it watches: once that server is gone, nothing it does may start it again.
    fleet.tmux.joinOnly();
    fleet.tmux.useControl();
    fleet.hosts.useControl();
    // The launch's id is for this czar alone: the checks it runs do not inherit it.
    const launchId = process.env[LAUNCH_ID_VARIABLE];
    delete process.env[LAUNCH_ID_VARIABLE];
    const { Supervisor } = await import('../../supervisor/loop/supervisor.js');
    const supervisor = new Supervisor(fleet);
    let code = 0;
    let stopping = false;
    let hungUp = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      code = 128 + (constants.signals[signal] ?? 1);
      hungUp = signal === 'SIGHUP';
      void (hungUp ? supervisor.hungUp() : supervisor.stop()).catch((error: unknown) => {
        if (!hungUp)
          process.stderr.write(`czar: stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
      });
    };
    // Kept on (not once): execa's exit handler re-raises a signal it sees no other listener for, killing the czar
    // before its last status is written.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
    await supervisor.start(launchId);
    await Promise.race([supervisor.done, supervisor.stopAsked.then(() => deadline(SHUTDOWN_MS))]);
    if (hungUp) letGoOfHungUpTerminal();
    // Whatever still holds the event loop (a command that never answers) must not keep a stopped czar alive.
    process.exit(supervisor.serverGone ? 1 : code);
  },
};

/** Resolves after `ms`, saying so: the czar ends without waiting longer. */
async function deadline(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  process.stderr.write(`czar: stopping took longer than ${ms / 1000} s; exiting without waiting for the rest\n`);
}
