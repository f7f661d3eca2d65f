import { findBoxEngine } from '../../adapters/box-engine.js';
import { parse, type Command } from '../command.js';
import { json, out } from '../output.js';

/** Run on a host by `czar doctor` over ssh: this machine's sandbox engine (a trial box ran), or why there is none. */
export const boxEngineCommand: Command = {
  name: 'box-engine',
  summary: "print this machine's sandbox engine as JSON (run by czar doctor over ssh)",
  usage: 'czar box-engine',
  async run(args) {
    parse(this, args, {}, 0);
    out(json(await findBoxEngine()));
    return 0;
  },
};
