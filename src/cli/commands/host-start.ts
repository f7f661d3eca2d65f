import { czarVersion } from '../../adapters/package-files.js';
import { jsonIn } from '../../adapters/state-files.js';
import { CzarError } from '../../domain/errors.js';
import { hostStartSpecSchema, type HostStartAnswer } from '../../domain/host-start.js';
import { startHere } from '../../launch/host-side-start.js';
import { parse, type Command } from '../command.js';
import { json, out } from '../output.js';
import { readStdin } from '../stdin.js';

/**
 * Run on a host by the local czar over ssh, one per worker launched there: reads what to make as JSON on stdin and
 * answers with one JSON line, a refusal included, so the launch says the host's own sentence.
 */
export const hostStartCommand: Command = {
  name: 'host-start',
  summary: "make a worker's worktree, files and tmux session on this host (run by czar over ssh)",
  usage: 'czar host-start < spec.json',
  async run(args) {
    parse(this, args, {}, 0);
    let answer: HostStartAnswer;
    try {
      const spec = hostStartSpecSchema.safeParse(jsonIn<unknown>(await readStdin()));
      if (!spec.success)
        throw new CzarError(
          'bad_host_start',
          `The launch spec on stdin is not one czar host-start reads (${spec.error.issues[0]?.path.join('.') ?? ''}: ${spec.error.issues[0]?.message ?? ''}); install the same czar version here as on the machine that launches.`,
        );
      if (spec.data.version !== czarVersion())
        throw new CzarError(
          'czar_version',
          `This host runs czar ${czarVersion()} and the launch is czar ${spec.data.version}; install czar ${spec.data.version} here.`,
        );
      answer = { version: czarVersion(), ...(await startHere(spec.data)) };
    } catch (error) {
      const code = error instanceof CzarError ? error.code : 'host_start_failed';
      answer = {
        version: czarVersion(),
        error: { code, message: error instanceof Error ? error.message : String(error) },
      };
    }
    out(json(answer));
    return 'error' in answer ? 1 : 0;
  },
};
