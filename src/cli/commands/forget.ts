import { learningDir, outcomesFile, readLearningFile, writeLearningLines } from '../../adapters/learning-files.js';
import { CzarError } from '../../domain/model/errors.js';
import { parseOutcome } from '../../domain/learning/outcome.js';
import { parse, type Command } from '../command.js';
import { out } from '../output.js';

export const forgetCommand: Command = {
  name: 'forget',
  summary: "remove outcomes from czar's per-user record: all of them, or one agent's, or one task kind's",
  usage: 'czar forget [--agent A] [--kind K]',
  async run(args) {
    const { values } = parse(this, args, { agent: { type: 'string' }, kind: { type: 'string' } }, 0);
    const dir = learningDir();
    if (dir === undefined) {
      throw new CzarError(
        'record_off',
        'The record is off (CZAR_LEARN=off), so there is nothing to forget; unset CZAR_LEARN to use it.',
      );
    }
    const file = outcomesFile(dir);
    // Lines that are not outcomes stay as they are: forgetting removes only what it names.
    const lines = await readLearningFile(file, (line) => ({ line, outcome: parseOutcome(line) }));
    const forgotten = (outcome: ReturnType<typeof parseOutcome>): boolean =>
      typeof outcome !== 'string' &&
      (values.agent === undefined || outcome.agent === values.agent) &&
      (values.kind === undefined || outcome.kind === values.kind);
    const kept = lines.items.filter((item) => !forgotten(item.outcome));
    const removed = lines.items.length - kept.length;
    if (removed > 0)
      await writeLearningLines(
        file,
        kept.map((item) => item.line),
      );
    const what = [
      values.agent === undefined ? undefined : `agent ${values.agent}`,
      values.kind === undefined ? undefined : `kind ${values.kind}`,
    ].filter((part) => part !== undefined);
    out(
      `forgot ${removed} outcome(s)${what.length === 0 ? '' : ` of ${what.join(', ')}`}; ${kept.filter((item) => typeof item.outcome !== 'string').length} remain in ${file}`,
    );
    return 0;
  },
};
