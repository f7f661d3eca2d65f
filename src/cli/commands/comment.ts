import { CzarError } from '../../domain/errors.js';
import { MAX_COMMENT_CHARS, MAX_COMMENT_FILE } from '../../domain/limits.js';
import { CONFIG_OPTION, parse, usageError, type Command } from '../command.js';
import { fleetFrom, requireWorker } from '../context.js';
import { requestOrThrow } from '../person-actions.js';
import { out } from '../output.js';

/** `src/a.ts:12`: a place in the worker's code the comment is about. */
const PLACE = /^(\S+):([1-9]\d*)$/;

/** A person's review comment: kept by the running czar and delivered with any others between the worker's turns. */
export const commentCommand: Command = {
  name: 'comment',
  summary: 'leave a review comment for a worker, delivered between its turns; verified waits for a commit after it',
  usage: 'czar comment <worker> [FILE:LINE] <text...> [-c czar.yaml]',
  async run(args) {
    const { values, positionals } = parse(this, args, CONFIG_OPTION);
    const fleet = await fleetFrom(values.config);
    const worker = requireWorker(fleet, positionals[0], 'comment');
    const place = PLACE.exec(positionals[1] ?? '');
    const words = positionals.slice(place === null ? 1 : 2);
    const text = words.join(' ');
    if (text.trim() === '')
      throw usageError(this, 'the comment is empty; write its text after the worker (and FILE:LINE)');
    if (text.length > MAX_COMMENT_CHARS)
      throw tooLong('comment', text.length, MAX_COMMENT_CHARS, 'send a longer note with "czar send --file"');
    const file = place?.[1];
    if (file !== undefined && file.length > MAX_COMMENT_FILE)
      throw tooLong(
        'file path',
        file.length,
        MAX_COMMENT_FILE,
        'name the file by a shorter path from the repository root',
      );
    const at = place === null ? {} : { file, line: Number(place[2]) };
    out(await requestOrThrow(fleet, { kind: 'comment', worker, ...at, text }));
    return 0;
  },
};

function tooLong(what: string, length: number, most: number, fix: string): CzarError {
  return new CzarError('usage', `The ${what} is ${length} characters, over the ${most} czar takes; ${fix}.`, {
    exitCode: 2,
  });
}
