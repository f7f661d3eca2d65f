import {
  learningDir,
  lessonsFile,
  readLessons,
  readOutcomes,
  readLearningFile,
  writeLearningLines,
} from '../../adapters/learning-files.js';
import { CzarError } from '../../domain/model/errors.js';
import { creditOf, lessonLine, parseLesson, stoppedHelping } from '../../domain/learning/lesson.js';
import { visible } from '../../domain/model/sanitize.js';
import { skippedWarning } from '../../supervisor/effects/learning-record.js';
import { parse, type Command } from '../command.js';
import { err, json, out } from '../output.js';

export const lessonsCommand: Command = {
  name: 'lessons',
  summary:
    'list the lessons czar keeps from tasks that went wrong before they were verified, with their credit; --delete ID removes one',
  usage: 'czar lessons [--json] [--delete ID]',
  async run(args) {
    const { values } = parse(this, args, { json: { type: 'boolean' }, delete: { type: 'string' } }, 0);
    const dir = learningDir();
    const reading = await readLessons();
    if (dir === undefined || reading === undefined) {
      throw new CzarError(
        'record_off',
        'The record is off (CZAR_LEARN=off), so czar keeps no lessons; unset CZAR_LEARN to keep them.',
      );
    }
    const file = lessonsFile(dir);
    if (values.delete !== undefined) {
      const id = values.delete;
      // Lines that are not lessons stay as they are: a delete removes only what it names.
      const lines = await readLearningFile(file, (line) => ({ line, lesson: parseLesson(line) }));
      const kept = lines.items.filter((item) => typeof item.lesson === 'string' || item.lesson.id !== id);
      if (kept.length === lines.items.length) {
        throw new CzarError('usage', `There is no lesson "${visible(id)}" in ${file}; "czar lessons" lists their ids.`);
      }
      await writeLearningLines(
        file,
        kept.map((item) => item.line),
      );
      out(`deleted lesson ${id} from ${file}`);
      return 0;
    }
    if (reading.skipped > 0) err(`czar: ${skippedWarning(reading)}`);
    const outcomes = (await readOutcomes())?.items ?? [];
    const listed = reading.items.map((lesson) => {
      const credit = creditOf(lesson, outcomes);
      return { ...lesson, credit, stoppedHelping: stoppedHelping(credit) };
    });
    if (values.json === true) {
      out(json({ record: file, lessons: listed }, 2));
      return 0;
    }
    if (listed.length === 0) {
      out(
        `No lessons kept yet in ${file}: czar keeps one when a task is verified after a failed check, a review's findings, a conflict or a hand-over.`,
      );
      return 0;
    }
    out(`${listed.length} lesson(s) in ${file}; credit: tasks that carried it, verified first time of them`);
    for (const lesson of listed) {
      const credit = `${lesson.credit.helped}/${lesson.credit.carried}${lesson.stoppedHelping ? ', stopped helping' : ''}`;
      out(`${visible(lessonLine(lesson))}`);
      out(`  kind ${lesson.kind}, repository ${lesson.repo.slice(0, 12)}, credit ${credit}, since ${lesson.at}`);
    }
    return 0;
  },
};
