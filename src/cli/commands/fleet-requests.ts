import { readTextFile, type TextFileProblem } from '../../adapters/text-file.js';
import { CzarError } from '../../domain/model/errors.js';
import { MAX_TASK_BYTES } from '../../domain/model/limits.js';
import { CONFIG_OPTION, parse, usageError, type Command } from '../command.js';
import { fleetFrom, requireWorker } from '../context.js';
import { requestOrThrow } from '../person-actions.js';
import { out } from '../output.js';

/** Commands that ask the running czar to act; the dashboard's keys call the same requests. */
export const sendCommand: Command = {
  name: 'send',
  summary: 'paste a message into a worker, with verified delivery',
  usage: 'czar send <worker> <text...> | --file F [-c czar.yaml]',
  async run(args) {
    const { values, positionals } = parse(this, args, { ...CONFIG_OPTION, file: { type: 'string', short: 'f' } });
    const fleet = await fleetFrom(this, values.config);
    const worker = requireWorker(fleet, positionals[0], 'send');
    const words = positionals.slice(1);
    if (values.file !== undefined && words.length > 0)
      throw usageError(this, 'give the message as text or with --file, not both');
    const text = values.file !== undefined ? await readMessageFile(values.file, '--file') : words.join(' ');
    if (text.trim() === '') throw usageError(this, 'the message is empty');
    out(await requestOrThrow(fleet, { kind: 'send', worker, text }));
    return 0;
  },
};

/**
 * A message file is pasted like a task, so it is held to a task's checks: UTF-8 text up to MAX_TASK_BYTES. `flag` is
 * the option that named it, for the error.
 */
export async function readMessageFile(file: string, flag: string): Promise<string> {
  const reading = await readTextFile(file, MAX_TASK_BYTES);
  if (reading.ok) return reading.text;
  const fixes: Record<TextFileProblem, string> = {
    missing: 'check the path',
    folder: "name the message's file",
    not_file: 'give a regular text file',
    unreadable: 'check its permissions',
    too_big: 'the most czar pastes at once; shorten it, or write the detail to a file the worker can read',
    not_text: 'save the message as UTF-8 text',
  };
  const joiner = reading.problem === 'too_big' ? ', ' : '; ';
  throw new CzarError('usage', `${flag} ${file} ${reading.reason}${joiner}${fixes[reading.problem]}.`);
}

function workerRequest(name: 'bonus' | 'review', summary: string): Command {
  return {
    name,
    summary,
    usage: `czar ${name} <worker> [-c czar.yaml]`,
    async run(args) {
      const { values, positionals } = parse(this, args, CONFIG_OPTION, 1);
      const fleet = await fleetFrom(this, values.config);
      out(await requestOrThrow(fleet, { kind: name, worker: requireWorker(fleet, positionals[0], name) }));
      return 0;
    },
  };
}

function autonomyRequest(name: 'pause' | 'resume', summary: string): Command {
  return {
    name,
    summary,
    usage: `czar ${name} [worker] [-c czar.yaml]`,
    async run(args) {
      const { values, positionals } = parse(this, args, CONFIG_OPTION, 1);
      const fleet = await fleetFrom(this, values.config);
      const worker = positionals[0] === undefined ? undefined : requireWorker(fleet, positionals[0], name);
      out(await requestOrThrow(fleet, worker === undefined ? { kind: name } : { kind: name, worker }));
      return 0;
    },
  };
}

export const bonusCommand = workerRequest('bonus', 'give a worker the next bonus task now');
export const reviewCommand = workerRequest(
  'review',
  "review a worker's tip again as a new round, after a review that gave no verdict or asked for changes",
);
export const restartCommand: Command = {
  name: 'restart',
  summary: "restart a worker's agent in its worktree: in its own conversation where czar can resume it, else afresh",
  usage: 'czar restart <worker> [--fresh] [-c czar.yaml]',
  async run(args) {
    const { values, positionals } = parse(this, args, { ...CONFIG_OPTION, fresh: { type: 'boolean' } }, 1);
    const fleet = await fleetFrom(this, values.config);
    const worker = requireWorker(fleet, positionals[0], 'restart');
    out(
      await requestOrThrow(
        fleet,
        values.fresh === true ? { kind: 'restart', worker, fresh: true } : { kind: 'restart', worker },
      ),
    );
    return 0;
  },
};
export const pauseCommand = autonomyRequest('pause', "pause the czar's actions for one worker, or for all");
export const resumeCommand = autonomyRequest('resume', "resume the czar's actions for one worker, or for all");
