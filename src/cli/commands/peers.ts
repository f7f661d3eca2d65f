import { readStatusFile } from '../../adapters/state-files.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom, requireRunningFleet } from '../context.js';
import { json, out, outRow } from '../output.js';

/**
 * What the other workers are doing and which files they are changing: the preamble asks every worker to run this
 * before starting something new, which is how duplicated work is avoided up front.
 */
export const peersCommand: Command = {
  name: 'peers',
  forWorkers: true,
  summary: 'show what the other workers are doing and which files they change (run by workers)',
  usage: 'czar peers [worker] [-c czar.yaml] [--json]',
  async run(args) {
    const { values, positionals } = parse(this, args, { ...CONFIG_OPTION, json: { type: 'boolean' } }, 1);
    const fleet = await fleetFrom(this, values.config);
    const me = positionals[0] ?? process.env.CZAR_WORKER;
    const status = await readStatusFile(fleet.paths);
    if (status === undefined) {
      await requireRunningFleet(fleet);
      // Workers run this first thing, often before the czar's first status: the config already says who does what.
      const others = fleet.config.workers.filter((worker) => worker.name !== me);
      if (values.json === true)
        out(
          json(
            others.map((worker) => ({
              name: worker.name,
              state: 'starting',
              branch: worker.branch,
              title: worker.title,
              files: [],
            })),
            2,
          ),
        );
      else for (const worker of others) outRow(`${worker.name} (starting, branch ${worker.branch}): ${worker.title}`);
      return 0;
    }
    const others = status.workers.filter((worker) => worker.name !== me);
    if (values.json === true) {
      out(
        json(
          others.map((worker) => ({
            name: worker.name,
            state: worker.state,
            branch: worker.branch,
            title: worker.title,
            files: [...worker.git.filesChanged, ...worker.git.dirty],
            note: worker.note,
          })),
          2,
        ),
      );
      return 0;
    }
    const myFiles = new Set(status.workers.find((worker) => worker.name === me)?.git.filesChanged ?? []);
    for (const worker of others) {
      outRow(
        `${worker.name} (${worker.state}, branch ${worker.branch}): ${worker.title}${worker.note === undefined ? '' : ` — ${worker.note}`}`,
      );
      const files = [...new Set([...worker.git.filesChanged, ...worker.git.dirty])];
      if (files.length > 0)
        outRow(
          `  changing: ${files
            .slice(0, 20)
            .map((file) => (myFiles.has(file) ? `${file} (you too!)` : file))
            .join(', ')}${files.length > 20 ? `, +${files.length - 20} more` : ''}`,
        );
    }
    if (status.queue.length > 0) outRow(`queued bonus tasks: ${status.queue.map((task) => task.title).join('; ')}`);
    return 0;
  },
};
