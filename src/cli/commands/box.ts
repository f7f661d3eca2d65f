import { keepCredentialsInStep } from '../../adapters/credential-sync.js';
import { writeRefusal } from '../../adapters/report-files.js';
import { jsonIn } from '../../adapters/state-files.js';
import { runInTerminal, serveDoor, serveRelay } from '../../adapters/net-door.js';
import { doorSpecOf, refusalLine, relaySpecOf } from '../../domain/box-network.js';
import { CzarError } from '../../domain/errors.js';
import { statePaths } from '../../domain/paths.js';
import { type Command } from '../command.js';

/** The two halves of a boxed worker's network door (see `adapters/net-door.ts`); czar puts both in the pane. */

function specOf<T>(read: (value: unknown) => T | undefined, args: string[], name: string): T {
  const spec = read(jsonIn<unknown>(args[0]));
  if (spec === undefined || args.length !== 1)
    throw new CzarError(
      'usage',
      `czar ${name} takes one JSON spec, as czar writes it into a boxed worker's pane; it is not run by hand.`,
    );
  return spec;
}

/** How often a boxed agent's sign-in files are compared with the person's: a refreshed token goes home within it. */
const CREDENTIALS_EVERY_MS = 2000;

export const boxDoorCommand: Command = {
  name: 'box-door',
  forWorkers: true,
  summary: "run a boxed worker's box behind its network door (run by czar in the worker's pane)",
  usage: 'czar box-door <spec.json>',
  async run(args) {
    const spec = specOf(doorSpecOf, args, 'box-door');
    const allowed = new Set(spec.allow);
    const said = new Set<string>();
    const door = await serveDoor(
      spec.socket,
      (target) => allowed.has(target),
      (target) => {
        if (said.has(target)) return;
        said.add(target);
        void writeRefusal(statePaths(spec.stateDir), spec.worker, refusalLine(spec.worker, target)).catch(
          () => undefined,
        );
      },
    );
    const credentials =
      spec.credentials === undefined ? undefined : await keepCredentialsInStep(spec.credentials, CREDENTIALS_EVERY_MS);
    const code = await runInTerminal(spec.argv);
    door.close();
    await credentials?.stop();
    return code;
  },
};

export const boxRelayCommand: Command = {
  name: 'box-relay',
  forWorkers: true,
  summary: "carry a boxed agent's connections to its network door (run by czar inside the box)",
  usage: 'czar box-relay <spec.json>',
  async run(args) {
    const spec = specOf(relaySpecOf, args, 'box-relay');
    const servers = await serveRelay(spec.socket, spec.ports, spec.proxyPort);
    const code = await runInTerminal(spec.argv);
    for (const server of servers) server.close();
    return code;
  },
};
