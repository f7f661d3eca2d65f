import { childSection } from './spawn-text.js';
import { renderLessons, type Lesson } from '../learning/lesson.js';
import { visible } from '../model/sanitize.js';
import type { DeliverySummary, GivenTask } from '../model/model.js';
import { fixupValues, type FixupFacts } from '../policy/integration-fixup.js';
import type { BonusTask } from '../model/config-types.js';
import { renderCheckpoints } from './checkpoint-text.js';
import { openCheckpoints, type Checkpoint } from '../model/checkpoints.js';
import { bullets, fill, head, placeValues, tidy, type PromptTemplates, type WorkerPlace } from './prompt-template.js';

/**
 * Rendering of everything czar pastes into a worker (corrections in `supervision-text.ts`, filling in
 * `prompt-template.ts`). Templates are plain Markdown in `prompts/` with
 * `{{placeholders}}`; the shell reads them and passes the texts in, so this module stays pure. A task text is
 * never run through a template: it is appended whole, byte for byte, at the very end of what is pasted. Text one
 * worker wrote (notes, titles, commit subjects, file names) is placed in another's paste as one line (`visible`): a
 * line break in it would be a line of its own there, which an agent may take for an instruction and a shell runs.
 */

/** One line in the preamble's list of the other workers. */
export interface PeerLine {
  readonly name: string;
  readonly branch: string;
  readonly title: string;
  readonly scope: readonly string[];
}

export interface PromptParts extends WorkerPlace {
  readonly templates: PromptTemplates;
  readonly scope: readonly string[];
  readonly peers: readonly PeerLine[];
  readonly roleText: string | undefined;
  /** What finished dependencies delivered, said before the task. */
  readonly dependencies: readonly DeliverySummary[];
  /** Commits already on the branch (`sha subject`, newest first): a new agent picks the task up from there. */
  readonly commitsSoFar?: readonly string[];
  /** The full task text; ends the prompt unchanged. */
  readonly task: string;
  /** The task's checkpoints, the done ones with their commits. */
  readonly checkpoints?: readonly Checkpoint[] | undefined;
  /** The worker that spawned this one, and its branch: this worker's work goes there. */
  readonly parent?: { readonly name: string; readonly branch: string } | undefined;
  /** Lessons of earlier tasks of its kind or areas (a labelled, bounded section, fenced as data). */
  readonly lessons?: readonly Lesson[] | undefined;
}

/** The first paste into a new worker: preamble, role, what its dependencies delivered, then the task, whole. */
export function renderPrompt(parts: PromptParts): string {
  const preamble = fill(
    parts.templates.preamble,
    {
      ...placeValues(parts),
      taskId: parts.worker,
      scope: bullets(parts.scope, 'anywhere in the repository'),
      peers: peerList(parts.peers),
    },
    'preamble',
  );
  const sections = [
    preamble,
    parts.parent === undefined ? '' : childSection(parts.parent.name, parts.parent.branch),
    parts.roleText ?? '',
    renderLessons(parts.lessons ?? []),
    ...parts.dependencies.map((summary) => renderDependencyReady(parts.templates, parts, summary)),
  ];
  const commits = parts.commitsSoFar ?? [];
  if (commits.length > 0)
    sections.push(
      tidy(fill(parts.templates.resume, { ...placeValues(parts), commits: bullets(commits, '(none)') }, 'resume')),
    );
  sections.push(renderCheckpoints(parts.templates, parts.worker, parts.checkpoints));
  return `${head(sections)}\n\n# Your task\n\n${parts.task}`;
}

/**
 * What an agent resumed in its own conversation is told: it was restarted, its task stands, its commits so far, and
 * its checkpoints with the done ones ticked, so it goes on from the next one.
 */
export function renderRestarted(
  templates: PromptTemplates,
  place: WorkerPlace,
  commits: readonly string[],
  taskId: string,
  checkpoints: readonly Checkpoint[] | undefined,
): string {
  const note = tidy(
    fill(templates.restarted, { ...placeValues(place), commits: bullets(commits, '(none)') }, 'restarted'),
  );
  return head([note, renderCheckpoints(templates, taskId, checkpoints)]);
}

/** The current task pasted again, whole, after a short reminder. */
export function renderRebrief(templates: PromptTemplates, place: WorkerPlace, task: GivenTask): string {
  const sections = [fill(templates.rebrief, placeValues(place), 'rebrief')];
  return `${head([...sections, renderCheckpoints(templates, task.id, task.checkpoints)])}\n\n${task.text}`;
}

/** A bonus task: what it builds on, its scope and role, its lessons, then the task text, whole. */
export function renderBonus(
  templates: PromptTemplates,
  place: WorkerPlace,
  task: BonusTask,
  buildsOn: DeliverySummary | undefined,
): string {
  const values = {
    ...placeValues(place),
    id: task.id,
    title: visible(task.title),
    buildsOn: buildsOnLine(task, buildsOn, place.worker),
    scope: bullets(task.scope, 'anywhere in the repository'),
    role: task.roleText === undefined ? '' : `\n${task.roleText.trim()}\n`,
  };
  const checkpoints = renderCheckpoints(templates, task.id, openCheckpoints(task.checkpoints));
  const lessons = renderLessons(task.lessons ?? []);
  return `${head([fill(templates.bonus, values, 'bonus'), lessons, checkpoints])}\n\n${task.task}`;
}

/** Tells a dependent what a finished dependency delivered. */
export function renderDependencyReady(
  templates: PromptTemplates,
  place: WorkerPlace,
  summary: DeliverySummary,
): string {
  const last = summary.lastCommit;
  return tidy(
    fill(
      templates.dependencyReady,
      {
        ...placeValues(place),
        dependency: summary.worker,
        branch: summary.branch,
        commits: String(summary.commitsAhead),
        lastCommit: last === undefined ? '(none)' : `${last.sha.slice(0, 12)} ${visible(last.subject)}`,
        files: bullets(summary.files, '(none)'),
        note: summary.note === undefined ? '(none)' : visible(summary.note),
        resultFile: summary.resultFile ?? '(none)',
      },
      'dependencyReady',
    ),
  );
}

/** The fix-up task after an integration failure: the whole text a worker needs (files or check output named). */
export function renderIntegrationFixup(templates: PromptTemplates, facts: FixupFacts): string {
  return tidy(fill(templates.integrationFixup, fixupValues(facts), 'integrationFixup'));
}

function buildsOnLine(task: BonusTask, summary: DeliverySummary | undefined, worker: string): string {
  if (task.buildsOn === undefined) return '';
  if (task.buildsOn === worker) return '\nIt builds on your own previous work on this branch.\n';
  if (summary === undefined) return `\nIt builds on the work of ${task.buildsOn}.\n`;
  const last =
    summary.lastCommit === undefined
      ? ''
      : `, last commit ${summary.lastCommit.sha.slice(0, 12)} ${visible(summary.lastCommit.subject)}`;
  return `\nIt builds on the work of ${task.buildsOn}: branch \`${summary.branch}\`${last}.\n`;
}

function peerList(peers: readonly PeerLine[]): string {
  if (peers.length === 0) return 'You are the only worker.';
  return peers
    .map(
      (peer) =>
        `- ${peer.name} on \`${peer.branch}\`: ${visible(peer.title)} (scope: ${peer.scope.length === 0 ? 'anywhere' : visible(peer.scope.join(', '))})`,
    )
    .join('\n');
}
