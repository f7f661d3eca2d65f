import path from 'node:path';
import { checklistProblems } from '../domain/model/checkpoints.js';
import { problemAt, type Problem } from './problems.js';
import type { WrittenConfig } from './schema.js';

/** Problems said per task: a checklist of thousands of repeats needs the first few to be fixed, not all of them. */
const MAX_SAID = 5;

/**
 * A task's Markdown checklist becomes its checkpoints unless `checkpoints:` is given: held to the same limits as that
 * list, each problem at its line (of the task file, or of the task in the config).
 */
export function taskChecklistProblems(
  written: WrittenConfig,
  taskFiles: ReadonlyMap<string, string>,
  configFile: string,
): Problem[] {
  const entries = [
    ...written.workers.map((entry, index) => ({ entry, at: ['workers', index] })),
    ...(written.bonus ?? []).map((entry, index) => ({ entry, at: ['bonus', index] })),
  ];
  return entries.flatMap(({ entry, at }) => {
    if (entry.checkpoints !== undefined) return [];
    const file = entry.task_file;
    const text = file === undefined ? entry.task : taskFiles.get(file);
    if (text === undefined) return [];
    const found = checklistProblems(text);
    const said = found
      .slice(0, MAX_SAID)
      .map(({ line, problem }) =>
        file === undefined
          ? problemAt([...at, 'task'], `line ${line}: ${problem}`)
          : problemAt([...at, 'task_file'], `${path.resolve(path.dirname(configFile), file)}:${line}: ${problem}`),
      );
    if (found.length > MAX_SAID)
      said.push(
        problemAt(
          [...at, file === undefined ? 'task' : 'task_file'],
          `has ${found.length - MAX_SAID} more checklist problems like these.`,
        ),
      );
    return said;
  });
}
