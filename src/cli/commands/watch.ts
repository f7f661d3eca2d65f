import { czarVersion } from '../../adapters/package-files.js';
import { parseOffset, type StreamLine } from '../../domain/model/host-stream.js';
import { streamStateDir } from '../../host-side/stream.js';
import { parse, usageError, type Command } from '../command.js';

/**
 * Run on a host by the local czar over ssh: streams the host's state dir as JSON lines on stdout until stdin closes
 * (the connection went away), so nothing is left running on the host after a dropped link.
 */
export const watchCommand: Command = {
  name: 'watch',
  forWorkers: true,
  summary: "stream a host's worker reports and pane output as JSON lines (run by czar over ssh)",
  usage:
    'czar watch --stream --state-dir <dir> [--clone <dir> --branch <worker>=<branch>...] [--offset <worker>=<bytes>]...',
  async run(args) {
    const { values } = parse(
      this,
      args,
      {
        stream: { type: 'boolean' },
        'state-dir': { type: 'string' },
        clone: { type: 'string' },
        branch: { type: 'string', multiple: true },
        offset: { type: 'string', multiple: true },
      },
      0,
    );
    const stateDir = values['state-dir'];
    if (values.stream !== true || stateDir === undefined)
      throw usageError(this, '"czar watch" needs --stream and --state-dir');
    const offsets = new Map<string, number>();
    for (const text of values.offset ?? []) {
      const parsed = parseOffset(text);
      if (parsed === undefined) throw usageError(this, `--offset "${text}" is not <worker>=<bytes>`);
      offsets.set(...parsed);
    }
    const branches = new Map<string, string>();
    for (const text of values.branch ?? []) {
      const at = text.indexOf('=');
      if (at <= 0) throw usageError(this, `--branch "${text}" is not <worker>=<branch>`);
      branches.set(text.slice(0, at), text.slice(at + 1));
    }
    const stopped = new Promise<void>((resolve) => {
      process.stdin.on('end', resolve).on('close', resolve).on('error', resolve);
      process.stdin.resume();
    });
    const write = (line: StreamLine): Promise<void> =>
      new Promise((resolve) => {
        if (process.stdout.write(`${JSON.stringify(line)}\n`)) resolve();
        else process.stdout.once('drain', resolve);
      });
    await streamStateDir({ stateDir, offsets, clone: values.clone, branches }, write, stopped, czarVersion());
    return 0;
  },
};
