import { czarVersion } from '../../adapters/package-files.js';
import { jsonIn } from '../../adapters/state-files.js';
import { CzarError } from '../../domain/model/errors.js';
import { hostPrepareSpecSchema, type HostPrepareAnswer } from '../../domain/model/host-prepare.js';
import { prepareHere, refusalOf } from '../../host-side/prepare.js';
import { parse, type Command } from '../command.js';
import { json, out } from '../output.js';
import { readStdin } from '../stdin.js';

/**
 * Run on a host by the local czar over ssh, once per host a launch starts workers on: reads what to make as JSON on
 * stdin and answers with one JSON line, refusals included, so the launch says the host's own sentence.
 */
export const hostPrepareCommand: Command = {
  name: 'host-prepare',
  summary: "make workers' worktrees and private files on this host (run by czar over ssh)",
  usage: 'czar host-prepare < spec.json',
  async run(args) {
    parse(this, args, {}, 0);
    let answer: HostPrepareAnswer;
    try {
      const spec = hostPrepareSpecSchema.safeParse(jsonIn<unknown>(await readStdin()));
      if (!spec.success)
        throw new CzarError(
          'bad_host_prepare',
          `The launch spec on stdin is not one czar host-prepare reads (${spec.error.issues[0]?.path.join('.') ?? ''}: ${spec.error.issues[0]?.message ?? ''}); install the same czar version here as on the machine that launches.`,
        );
      if (spec.data.version !== czarVersion())
        throw new CzarError(
          'czar_version',
          `This host runs czar ${czarVersion()} and the launch is czar ${spec.data.version}; install czar ${spec.data.version} here.`,
        );
      answer = { version: czarVersion(), path: process.env.PATH ?? '', workers: await prepareHere(spec.data) };
    } catch (error) {
      answer = { version: czarVersion(), error: refusalOf(error) };
    }
    out(json(answer));
    return 'error' in answer || answer.workers.some((worker) => 'error' in worker) ? 1 : 0;
  },
};
