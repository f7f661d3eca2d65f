import { writeHandoff } from '../../integration/handoff.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { out } from '../output.js';

/** `czar handoff`: writes .czar/HANDOFF.md from status, git, events and the integration record, and prints its path. */
export const handoffCommand: Command = {
  name: 'handoff',
  summary:
    'write .czar/HANDOFF.md (what each worker delivered, the integration branch, what is left for you) and print its path',
  usage: 'czar handoff [-c czar.yaml]',
  async run(args) {
    const { values } = parse(this, args, CONFIG_OPTION, 0);
    out((await writeHandoff(await fleetFrom(this, values.config))).file);
    return 0;
  },
};
