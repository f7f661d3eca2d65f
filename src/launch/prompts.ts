import { commitSubjects } from '../adapters/branch-activity.js';
import { readPromptTemplate } from '../adapters/package-files.js';
import { openCheckpoints, type Checkpoint } from '../domain/model/checkpoints.js';
import type { DeliverySummary, GivenTask } from '../domain/model/model.js';
import type { FixupFacts } from '../domain/policy/integration-fixup.js';
import { renderReviewFixup } from '../domain/text/review-text.js';
import type { IntegrationFailure } from '../domain/model/integration-record.js';
import type { Action } from '../domain/policy/actions.js';
import { renderComments } from '../domain/policy/person-comments.js';
import { childReadyMessage } from '../domain/text/spawn-text.js';
import {
  renderBonus,
  renderDependencyReady,
  renderIntegrationFixup,
  renderPrompt,
  renderRebrief,
  renderRestarted,
} from '../domain/text/prompt-text.js';
import {
  renderConflict,
  renderBranchMoved,
  renderFixup,
  renderNudge,
  renderRealign,
} from '../domain/text/supervision-text.js';
import { TEMPLATE_FILES, type PromptTemplates, type WorkerPlace } from '../domain/text/prompt-template.js';
import type { Config, WorkerSpec } from '../domain/model/config-types.js';
import { presetOf } from '../agents/index.js';

let templates: Promise<PromptTemplates> | undefined;

/** czar's message templates (`prompts/*.md`), read once per process. */
function loadTemplates(): Promise<PromptTemplates> {
  templates ??= (async () => {
    const entries = await Promise.all(
      Object.entries(TEMPLATE_FILES).map(async ([key, file]) => [key, await readPromptTemplate(file)] as const),
    );
    return Object.fromEntries(entries) as unknown as PromptTemplates;
  })();
  return templates;
}

function placeOf(config: Config, spec: WorkerSpec): WorkerPlace {
  return {
    project: config.project,
    worker: spec.name,
    branch: spec.branch,
    base: config.base,
    worktree: spec.worktree,
  };
}

/** How many of the branch's commits a resumed task lists (the agent can run git log for the rest). */
const RESUME_COMMITS = 20;

/**
 * The first paste: preamble (who, where, how to report, who else is working), role, dependencies, the commits
 * already on the branch when an earlier agent worked there, the whole task. A branch `up` has just cut from base
 * has none, so git is not asked (one process spawn less per worker at launch).
 */
export async function initialPrompt(
  config: Config,
  spec: WorkerSpec,
  dependencies: readonly DeliverySummary[] = [],
  branchIsNew = false,
  checkpoints: readonly Checkpoint[] | undefined = openCheckpoints(spec.checkpoints),
): Promise<string> {
  if (plainTask(spec)) return spec.task;
  const parent = config.workers.find((other) => other.name === spec.parent);
  // A child's branch starts with its parent's commits: only those beyond the parent's branch are its own.
  const from = parent?.branch ?? config.base;
  return renderPrompt({
    commitsSoFar: branchIsNew ? [] : await commitSubjects(config.repo, from, spec.branch, RESUME_COMMITS),
    parent: parent === undefined ? undefined : { name: parent.name, branch: parent.branch },
    ...placeOf(config, spec),
    templates: await loadTemplates(),
    scope: spec.scope,
    peers: config.workers
      .filter((other) => other.name !== spec.name)
      .map((other) => ({ name: other.name, branch: other.branch, title: other.title, scope: other.scope })),
    roleText: spec.roleText,
    dependencies,
    task: spec.task,
    checkpoints,
    lessons: spec.lessons,
  });
}

/**
 * Whether the worker's agent gets only task texts (the shell preset): anything else czar would paste into it, a
 * nudge or another worker's news, is left out (undefined below) rather than run as commands.
 */
export function plainTask(spec: WorkerSpec): boolean {
  return presetOf(spec.agent).plainTask === true;
}

/** A task pasted again after a restart: after a short reminder, whole; a plain shell gets the task alone. */
export async function taskMessage(config: Config, spec: WorkerSpec, task: GivenTask): Promise<string> {
  if (plainTask(spec)) return task.text;
  // A fix-up's text is written once it is first pasted: one pasted again before then is rendered from its failure.
  const text =
    task.text === '' && task.fixes !== undefined ? await integrationFixupMessage(config, spec, task.fixes) : task.text;
  return renderRebrief(await loadTemplates(), placeOf(config, spec), { ...task, text });
}

/** The fix-up task after an integration failure of the worker's branch. */
export async function integrationFixupMessage(
  config: Config,
  spec: WorkerSpec,
  failure: IntegrationFailure,
): Promise<string> {
  const { branch, checks } = config.integration;
  const facts: FixupFacts = { worker: spec.name, branch: spec.branch, integrationBranch: branch, failure, checks };
  return renderIntegrationFixup(await loadTemplates(), facts);
}

/** What a fresh agent needs after a restart: the whole first prompt for its own task, the task again otherwise. */
export async function restartBrief(config: Config, spec: WorkerSpec, task: GivenTask): Promise<string> {
  return task.id === spec.name
    ? initialPrompt(config, spec, [], false, task.checkpoints)
    : taskMessage(config, spec, task);
}

/** The note for an agent resumed in its own conversation: it already holds its task, not what it did since. */
export async function restartedMessage(
  config: Config,
  spec: WorkerSpec,
  task: Pick<GivenTask, 'id' | 'checkpoints'>,
): Promise<string> {
  const commits = await commitSubjects(config.repo, config.base, spec.branch, RESUME_COMMITS);
  return renderRestarted(await loadTemplates(), placeOf(config, spec), commits, task.id, task.checkpoints);
}

/** Every action that pastes a message into a running agent: each goes through `actionMessage`, the one gate. */
export type MessageAction = Extract<
  Action,
  {
    kind:
      | 'nudge'
      | 'realign'
      | 'bonus'
      | 'tell_dependents'
      | 'fixup'
      | 'review_fixup'
      | 'warn_conflict'
      | 'warn_moved'
      | 'comments'
      | 'tell_parent'
      | 'rebrief'
      | 'send';
  }
>;

/**
 * The text of an action that speaks to `spec` (the worker, or a dependent or parent being told), or undefined for
 * none. The one gate for what a plain shell gets, where whatever is pasted runs as commands: a bonus task's own text
 * and a person's own `czar send` line, typed as they wrote it; never czar's prose, a comment or anyone else's text,
 * nor a re-brief, which would run its task a second time.
 */
export async function actionMessage(
  config: Config,
  spec: WorkerSpec,
  action: MessageAction,
): Promise<string | undefined> {
  if (plainTask(spec)) {
    if (action.kind === 'bonus') return action.task.task;
    return action.kind === 'send' ? action.text : undefined;
  }
  const loaded = await loadTemplates();
  const place = placeOf(config, spec);
  switch (action.kind) {
    case 'send':
      return action.text;
    case 'comments':
      return renderComments(action.comments);
    case 'tell_parent':
      return childReadyMessage(action.child, action.branch, action.sha);
    case 'rebrief':
      return taskMessage(config, spec, action.task);
    case 'nudge':
      return renderNudge(loaded, place, action.situation, action.reason);
    case 'realign':
      return renderRealign(loaded, place, action.files, action.scope);
    case 'bonus':
      return renderBonus(loaded, place, action.task, undefined);
    case 'tell_dependents':
      return renderDependencyReady(loaded, place, action.summary);
    case 'fixup':
      return renderFixup(loaded, place, action.sha, action.failure);
    case 'review_fixup':
      return renderReviewFixup(loaded, place, action);
    case 'warn_conflict':
      return renderConflict(loaded, place, action.sides);
    case 'warn_moved':
      return renderBranchMoved(loaded, place, action.from, action.to, action.forward);
  }
}
