import { createHash } from 'node:crypto';
import type { WorktreeStep } from './plan.js';

/** Notes `czar up` prints about what a launch leaves as it is; pure, so each wording is tested without git. */

// Built on first use: the first Intl formatter loads ICU's data, some 9 ms before a launch's first worktree.
let conjunction: Intl.ListFormat | undefined;
const listed = (items: readonly string[]): string =>
  (conjunction ??= new Intl.ListFormat('en', { type: 'conjunction' })).format(items);

export interface StartingWorker {
  readonly worker: string;
  readonly branch: string;
  readonly worktree: WorktreeStep;
}

/**
 * The note for uncommitted changes in the main checkout: they are not part of the launch, and each worker starts
 * from the commit it really starts from (base for a new branch, the branch's own tip for an existing one).
 * czar's own config file is left out: `czar init` writes it untracked, and warning about it on every first `up`
 * would teach people to ignore the note. Undefined when nothing else is uncommitted.
 */
export function uncommittedNote(input: {
  readonly repo: string;
  readonly base: string;
  /** Branch name to tip commit. */
  readonly tips: ReadonlyMap<string, string>;
  /** Uncommitted paths, relative to the repository. */
  readonly dirty: readonly string[];
  /** The config file relative to the repository (undefined when it lies outside). */
  readonly configPath: string | undefined;
  readonly steps: readonly StartingWorker[];
}): string | undefined {
  if (input.dirty.every((file) => file === input.configPath)) return undefined;
  const at = (branch: string) => input.tips.get(branch)?.slice(0, 8) ?? '?';
  const named = (step: WorktreeStep) =>
    input.steps.filter((candidate) => candidate.worktree === step).map((candidate) => candidate.worker);
  const fresh = named('create-branch');
  const kept = named('reuse');
  // In plan order: workers on new branches as one group, each existing branch by name, kept worktrees as one group.
  const parts = input.steps.flatMap((step) => {
    // A recreated worktree (its folder was deleted by hand) is checked out again on the branch it had.
    if (step.worktree === 'checkout-branch' || step.worktree === 'recreate')
      return [`${step.worker} starts from ${step.branch} at ${at(step.branch)}`];
    if (step.worker === fresh[0])
      return [`${listed(fresh)} ${fresh.length === 1 ? 'starts' : 'start'} from ${input.base} at ${at(input.base)}`];
    if (step.worker === kept[0])
      return [`${listed(kept)} ${kept.length === 1 ? 'keeps its worktree' : 'keep their worktrees'}`];
    return [];
  });
  return `note: uncommitted changes in ${input.repo} are not part of the launch${parts.length === 0 ? '' : `; ${listed(parts)}`}.`;
}

/** A short fingerprint of a task's text, kept in the launch record so `up` can tell when the config's task changed. */
export function taskDigest(task: string): string {
  return createHash('sha256').update(task).digest('hex').slice(0, 16);
}

/**
 * `up` adopts a running worker and does not paste its task again (that would double it). When the task in the
 * config changed after it was delivered, say so, and how to hand over the new one, rather than keep the old silently.
 */
export function editedTaskNotes(input: {
  readonly configFile: string;
  readonly workers: readonly {
    readonly name: string;
    readonly task: string;
    readonly delivered: boolean;
    readonly deliveredDigest: string | undefined;
  }[];
}): string[] {
  return input.workers
    .filter(
      (worker) =>
        worker.delivered && worker.deliveredDigest !== undefined && worker.deliveredDigest !== taskDigest(worker.task),
    )
    .map(
      (worker) =>
        `note: the task of worker "${worker.name}" changed in ${input.configFile} after it was delivered, and its running agent still has the old one; ` +
        `send it the new text with "czar send ${worker.name} --file <file>", or start it afresh on the new task with "czar restart ${worker.name}".`,
    );
}
