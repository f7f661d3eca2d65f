import * as z from 'zod';
import { DURATION_PATTERN } from './duration.js';
import { MAX_CHECKPOINT_CHARS, MAX_CHECKPOINTS } from '../domain/model/checkpoints.js';

/** The field types `czar.yaml` sections share: names, durations, env maps, globs, and one-task-or-file. */

/** Worker, agent and bonus names: they become tmux session names and branch suffixes. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const quoted = (value: unknown): string => JSON.stringify(value);

/**
 * The longest name: file names made from it (`.<name>.json.<pid>.<random>.tmp`, `<name>-<sha>.log`) and the
 * branch `czar/<name>.lock` must stay under the 255 bytes a file name may have, with room to spare.
 */
export const MAX_NAME_LENGTH = 64;

const shown = (value: unknown): string =>
  typeof value === 'string' && value.length > 40 ? quoted(`${value.slice(0, 40)}...`) : quoted(value);

export const name = (what: string) =>
  z
    .string()
    .regex(NAME_PATTERN, {
      error: (issue) =>
        `${shown(issue.input)} is not a valid ${what}; use lowercase letters, digits, "-" or "_", starting with a letter or digit.`,
    })
    .max(MAX_NAME_LENGTH, {
      error: (issue) =>
        `${shown(issue.input)} is ${String((issue.input as string).length)} characters long; file, branch and tmux session names are made from it, so keep it to ${MAX_NAME_LENGTH} or fewer.`,
    });

export const duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(DURATION_PATTERN, {
      error: (issue) =>
        `${quoted(issue.input)} is not a duration; write e.g. 500ms, 90s, 20m, 1h30m or a number of seconds.`,
    }),
  ])
  .meta({ description: 'A duration such as 500ms, 90s, 20m, 1h or 1h30m, or a number of seconds.' });

export const env = z
  .record(
    z.string().regex(ENV_NAME_PATTERN, {
      error: (issue) =>
        `${quoted(issue.input)} is not a valid environment variable name; use letters, digits and "_", not starting with a digit.`,
    }),
    z.string(),
  )
  .meta({ description: 'Extra environment variables (values are strings: quote numbers).' });

export const globs = z
  .array(z.string().min(1))
  .meta({ description: 'Glob patterns of the paths this task may touch.' });

/** One task written inline (`task`) or in a file (`task_file`); exactly one of the two. */
export const exactlyOneTask = {
  check: (entry: unknown): boolean => {
    if (typeof entry !== 'object' || entry === null) return true;
    const record = entry as Record<string, unknown>;
    return (record.task === undefined) !== (record.task_file === undefined);
  },
  // What editors see: the same rule in JSON Schema terms.
  jsonSchema: { oneOf: [{ required: ['task'] }, { required: ['task_file'] }] },
  // Runs even when other keys of the entry are wrong, so every problem is reported in one go.
  params: {
    when: () => true,
    error: (issue: { input: unknown }) => {
      const record = (issue.input ?? {}) as Record<string, unknown>;
      return record.task === undefined
        ? 'needs a task; add task: with the text or task_file: with a path such as tasks/gateway.md.'
        : 'has both task and task_file; keep only one of them.';
    },
  },
};

/** A task's checkpoints, reported one by one (`czar report --checkpoint <n>`); rules-tasks.ts checks each line. */
export const checkpoints = z
  .array(
    z.string().max(MAX_CHECKPOINT_CHARS, {
      error: `is longer than ${MAX_CHECKPOINT_CHARS} characters; a checkpoint is one short step, so shorten it.`,
    }),
  )
  .min(1, { error: 'is empty; list the steps of the task, or leave checkpoints: out.' })
  .max(MAX_CHECKPOINTS, { error: `has more than ${MAX_CHECKPOINTS} items; group the steps into fewer checkpoints.` })
  .meta({
    description:
      "The task's steps, reported one by one (czar report --checkpoint <n>); default: the task text's - [ ] checklist.",
  });
