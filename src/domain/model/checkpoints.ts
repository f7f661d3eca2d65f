import { visible } from './sanitize.js';

/**
 * Checkpoints inside a task: the steps a worker reports one by one (`czar report --checkpoint <n>`), each with the
 * commit it came with, so progress is the steps done and a fresh agent goes on from the last one.
 */

/** One checkpoint of a task; `doneAt` (epoch ms) and `commit` are set once the worker reports it. */
export interface Checkpoint {
  readonly text: string;
  readonly doneAt?: number | undefined;
  /** The worktree's HEAD when it was reported; undefined before the branch had a commit. */
  readonly commit?: string | undefined;
}

/** A task has at most this many checkpoints, each at most this long: they are listed in every brief. */
export const MAX_CHECKPOINTS = 50;
export const MAX_CHECKPOINT_CHARS = 200;

const CHECKLIST_ITEM = /^\s{0,3}[-*+]\s+\[[ xX]\]\s+(\S.*)$/;
const FENCE = /^\s{0,3}(```|~~~)/;

/** The items of the task text's Markdown checklist (`- [ ] ...`), outside code fences, in order, with their lines. */
function checklistItems(text: string): { line: number; text: string }[] {
  const items: { line: number; text: string }[] = [];
  let fenced = false;
  text.split(/\r?\n/).forEach((line, index) => {
    if (FENCE.test(line)) fenced = !fenced;
    const item = fenced ? null : CHECKLIST_ITEM.exec(line);
    if (item?.[1] !== undefined) items.push({ line: index + 1, text: item[1].trim() });
  });
  return items;
}

/**
 * The checklist's checkpoints. A config's checklist that breaks the limits is refused (`checklistProblems`); the cut
 * here only bounds text that never went through it.
 */
export function parseChecklist(text: string): string[] {
  return checklistItems(text)
    .slice(0, MAX_CHECKPOINTS)
    .map((item) => item.text.slice(0, MAX_CHECKPOINT_CHARS));
}

/** What is wrong with a task's checklist, each at its line of the task text: too many items, too long, repeated. */
export function checklistProblems(text: string): { line: number; problem: string }[] {
  const items = checklistItems(text);
  const problems: { line: number; problem: string }[] = [];
  const extra = items[MAX_CHECKPOINTS];
  if (extra !== undefined)
    problems.push({
      line: extra.line,
      problem: `checklist item ${MAX_CHECKPOINTS + 1} of ${items.length} is past the ${MAX_CHECKPOINTS} checkpoints a task may have; group the steps into fewer items, or make the extra lines plain list items ("- " without "[ ]").`,
    });
  const seen = new Map<string, number>();
  items.slice(0, MAX_CHECKPOINTS).forEach((item, index) => {
    if (item.text.length > MAX_CHECKPOINT_CHARS)
      problems.push({
        line: item.line,
        problem: `checklist item ${index + 1} is ${item.text.length} characters long, more than the ${MAX_CHECKPOINT_CHARS} of a checkpoint; shorten it to one short step.`,
      });
    const key = item.text.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index + 1);
    else
      problems.push({
        line: item.line,
        problem: `checklist item ${index + 1} ${JSON.stringify(visible(item.text.slice(0, 80)))} repeats item ${first}; give each step its own text.`,
      });
  });
  return problems;
}

/** A task's checkpoints: the config's list when it gives one, else the task text's checklist. */
export function taskCheckpoints(configured: readonly string[] | undefined, text: string): string[] {
  return configured === undefined ? parseChecklist(text) : [...configured];
}

/** Fresh, open checkpoints for a task just handed out; undefined when it has none. */
export function openCheckpoints(texts: readonly string[] | undefined): Checkpoint[] | undefined {
  return texts === undefined || texts.length === 0 ? undefined : texts.map((text) => ({ text }));
}

export type CheckpointMatch = { ok: true; number: number } | { ok: false; reason: string };

/**
 * Which checkpoint `given` names: its number (1-based), its text (any case), or the one open checkpoint whose text
 * contains it. Anything else is refused with the open ones listed.
 */
export function matchCheckpoint(given: string, items: readonly Checkpoint[]): CheckpointMatch {
  const wanted = given.trim();
  if (/^\d+$/.test(wanted)) {
    const number = Number(wanted);
    if (number >= 1 && number <= items.length) return { ok: true, number };
  } else if (wanted !== '') {
    const lower = wanted.toLowerCase();
    const exact = items.findIndex((item) => item.text.toLowerCase() === lower);
    if (exact >= 0) return { ok: true, number: exact + 1 };
    const partial = items.flatMap((item, index) =>
      item.doneAt === undefined && item.text.toLowerCase().includes(lower) ? [index + 1] : [],
    );
    if (partial.length === 1 && partial[0] !== undefined) return { ok: true, number: partial[0] };
  }
  const open = items.flatMap((item, index) =>
    item.doneAt === undefined ? [`${index + 1}. ${visible(item.text)}`] : [],
  );
  return {
    ok: false,
    reason:
      items.length === 0
        ? `--checkpoint "${visible(given)}" names no checkpoint: your current task has none, so report progress with --progress instead.`
        : `--checkpoint "${visible(given)}" is not one of your task's ${items.length} checkpoints; ${open.length === 0 ? 'all are done already' : `the open ones are ${open.join('; ')}`}, so give one's number, e.g. --checkpoint ${open[0]?.split('.')[0] ?? items.length}.`,
  };
}

/** The checkpoints with number `number` marked done at `at` with `commit`; the same list when it is not there. */
export function markDone(
  items: readonly Checkpoint[],
  number: number,
  at: number,
  commit: string | undefined,
): readonly Checkpoint[] {
  if (items[number - 1] === undefined) return items;
  return items.map((item, index) => (index === number - 1 ? { text: item.text, doneAt: at, commit } : item));
}

/** How far a task is: checkpoints done, how many there are, and the first one still open. */
export interface CheckpointProgress {
  readonly done: number;
  readonly total: number;
  readonly next: { readonly number: number; readonly text: string } | undefined;
  /** When the last one was reported (epoch ms), undefined before the first. */
  readonly lastAt: number | undefined;
}

export function checkpointProgress(items: readonly Checkpoint[]): CheckpointProgress {
  const nextIndex = items.findIndex((item) => item.doneAt === undefined);
  const doneTimes = items.flatMap((item) => (item.doneAt === undefined ? [] : [item.doneAt]));
  const next = items[nextIndex];
  return {
    done: doneTimes.length,
    total: items.length,
    next: next === undefined ? undefined : { number: nextIndex + 1, text: next.text },
    lastAt: doneTimes.length === 0 ? undefined : Math.max(...doneTimes),
  };
}

/** `3/7`, for tables. */
export function checkpointCount(items: readonly Checkpoint[]): string {
  const { done, total } = checkpointProgress(items);
  return `${done}/${total}`;
}

/** The checkpoints as a Markdown checklist, each done one with its commit: for briefs and the handoff. */
export function checkpointList(items: readonly Checkpoint[]): string {
  return items
    .map((item, index) => {
      const commit =
        item.doneAt === undefined ? '' : ` (done${item.commit === undefined ? '' : ` at ${item.commit.slice(0, 12)}`})`;
      return `${index + 1}. [${item.doneAt === undefined ? ' ' : 'x'}] ${visible(item.text)}${commit}`;
    })
    .join('\n');
}
