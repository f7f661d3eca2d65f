import { CzarError } from './errors.js';
import { visible } from './sanitize.js';
import type { DeliverySummary, GivenTask } from './model.js';
import { fixupValues, type FixupFacts } from './integration-fixup.js';
import type { StallSituation } from './policy/actions.js';
import type { BonusTask } from './config-types.js';
import type { CheckFailure } from './observations.js';

/**
 * Rendering of everything czar pastes into a worker. Templates are plain Markdown in `prompts/` with
 * `{{placeholders}}`; the shell reads them and passes the texts in, so this module stays pure. A task text is
 * never run through a template: it is appended whole, byte for byte, at the very end of what is pasted. Text one
 * worker wrote (notes, titles, commit subjects, file names) is placed in another's paste as one line (`visible`): a
 * line break in it would be a line of its own there, which an agent may take for an instruction and a shell runs.
 */

/** The template texts, keyed like `TEMPLATE_FILES`. */
export interface PromptTemplates {
  readonly preamble: string;
  readonly nudge: string;
  readonly rebrief: string;
  readonly realign: string;
  readonly bonus: string;
  readonly dependencyReady: string;
  readonly fixup: string;
  readonly conflict: string;
  readonly resume: string;
  readonly integrationFixup: string;
  readonly branchMoved: string;
}

/** Where each template lives under `prompts/` (role texts are `prompts/roles/<role>.md`, read by the config). */
export const TEMPLATE_FILES: Readonly<Record<keyof PromptTemplates, string>> = {
  preamble: 'preamble.md',
  nudge: 'nudge.md',
  rebrief: 'rebrief.md',
  realign: 'realign.md',
  bonus: 'bonus.md',
  dependencyReady: 'dependency-ready.md',
  fixup: 'fixup.md',
  conflict: 'conflict.md',
  resume: 'resume.md',
  integrationFixup: 'integration-fixup.md',
  branchMoved: 'branch-moved.md',
};

/** One line in the preamble's list of the other workers. */
export interface PeerLine {
  readonly name: string;
  readonly branch: string;
  readonly title: string;
  readonly scope: readonly string[];
}

/** Where the worker sits: shared by every message. */
export interface WorkerPlace {
  readonly project: string;
  readonly worker: string;
  readonly branch: string;
  readonly base: string;
  readonly worktree: string;
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
}

const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;

/**
 * Fills `{{name}}` placeholders in one pass (values are never scanned again, so a `{{x}}` inside a value stays
 * as written). A placeholder without a value is a broken template and throws.
 */
export function fill(
  template: string,
  values: Readonly<Record<string, string>>,
  templateName: keyof PromptTemplates,
): string {
  return template.replace(PLACEHOLDER, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) {
      const known = Object.keys(values)
        .map((name) => `{{${name}}}`)
        .join(', ');
      throw new CzarError(
        'prompt_template',
        `prompts/${TEMPLATE_FILES[templateName]} uses {{${key}}}, which czar does not fill there; use one of ${known} or remove it.`,
      );
    }
    return value;
  });
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
    parts.roleText ?? '',
    ...parts.dependencies.map((summary) => renderDependencyReady(parts.templates, parts, summary)),
  ];
  const commits = parts.commitsSoFar ?? [];
  if (commits.length > 0)
    sections.push(
      tidy(fill(parts.templates.resume, { ...placeValues(parts), commits: bullets(commits, '(none)') }, 'resume')),
    );
  return `${head(sections)}\n\n# Your task\n\n${parts.task}`;
}

/** The nudge for a stalled worker; the sentence says which kind of stall. */
export function renderNudge(
  templates: PromptTemplates,
  place: WorkerPlace,
  situation: StallSituation,
  detail: string,
): string {
  return tidy(
    fill(templates.nudge, { ...placeValues(place), situation: situationText(situation, place, detail) }, 'nudge'),
  );
}

/** The current task pasted again, whole, after a short reminder. */
export function renderRebrief(templates: PromptTemplates, place: WorkerPlace, task: GivenTask): string {
  return `${head([fill(templates.rebrief, placeValues(place), 'rebrief')])}\n\n${task.text}`;
}

/** Names the off-scope files and restates the scope. */
export function renderRealign(
  templates: PromptTemplates,
  place: WorkerPlace,
  files: readonly string[],
  scope: readonly string[],
): string {
  return tidy(
    fill(
      templates.realign,
      { ...placeValues(place), files: bullets(files, '(none)'), scope: bullets(scope, 'anywhere in the repository') },
      'realign',
    ),
  );
}

/** A bonus task: what it builds on, its scope and role, then the task text, whole. */
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
  return `${head([fill(templates.bonus, values, 'bonus')])}\n\n${task.task}`;
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

/** Which check failed on which commit, the command and the bounded tail of its output (already control-safe). */
export function renderFixup(
  templates: PromptTemplates,
  place: WorkerPlace,
  sha: string,
  failure: CheckFailure,
): string {
  const outcome = failure.timedOut
    ? 'ran past its timeout and was stopped'
    : `failed (exit status ${failure.exitCode ?? 'none: killed by a signal'})`;
  const tail =
    failure.tail === ''
      ? '    (no output)'
      : failure.tail
          .split('\n')
          .map((line) => `    ${line}`)
          .join('\n');
  const values = {
    ...placeValues(place),
    check: failure.name,
    outcome,
    sha: sha.slice(0, 12),
    run: failure.run,
    logFile: failure.logFile,
    tail,
  };
  return tidy(fill(templates.fixup, values, 'fixup'));
}

/** A predicted conflict: the files, who owns the other side, and what to do about it. */
export function renderConflict(
  templates: PromptTemplates,
  place: WorkerPlace,
  peer: string | undefined,
  peerBranch: string,
  files: readonly string[],
): string {
  const owner =
    peer === undefined
      ? `the base branch \`${peerBranch}\` (it moved since you started)`
      : `${peer}'s branch \`${peerBranch}\` (worker ${peer} owns that side)`;
  const advice =
    peer === undefined
      ? `Merge \`${peerBranch}\` into your branch now (\`git merge ${peerBranch}\`), resolve these files keeping both sides' intent, and commit.`
      : `Keep your changes to these files to what your task needs, and do not rewrite ${peer}'s lines there; run \`czar peers\` to see its task. If your task cannot avoid it, say so with \`czar report --state blocked --note "<why>"\`.`;
  return tidy(
    fill(templates.conflict, { ...placeValues(place), owner, files: bullets(files, '(none)'), advice }, 'conflict'),
  );
}

/**
 * The branch moved under the worktree: its index is still at `from`. Forward (a commit added from outside), the
 * worktree is put back at `from` softly and brought to `to` keeping its uncommitted work; otherwise (a reset) the
 * worker's own commits are put back, and the person decides which history is right.
 */
export function renderBranchMoved(
  templates: PromptTemplates,
  place: WorkerPlace,
  from: string,
  to: string,
  forward: boolean,
): string {
  const advice = forward
    ? `Before you commit again, run in your worktree:\n\n    git reset --soft ${from} && git reset --keep ${to}\n\nThis keeps your uncommitted work and brings in the new commit. If \`git reset --keep\` refuses (your changes touch the same files), commit your work now and then run \`git merge ${to}\`.`
    : `Your own commits are no longer on the branch. Do not commit; run \`git reset --soft ${from}\` in your worktree to put them back (your uncommitted work stays), then say so with \`czar report --state blocked --note "branch was reset outside my worktree"\` so the person can decide which history is right.`;
  return tidy(
    fill(
      templates.branchMoved,
      { ...placeValues(place), from: from.slice(0, 12), to: to.slice(0, 12), advice },
      'branchMoved',
    ),
  );
}

function placeValues(place: WorkerPlace): Record<string, string> {
  return {
    project: place.project,
    worker: place.worker,
    branch: place.branch,
    base: place.base,
    worktree: place.worktree,
  };
}

function situationText(situation: StallSituation, place: WorkerPlace, detail: string): string {
  switch (situation) {
    case 'idle':
      return `you stopped, but your task is not reported done (${detail}).`;
    case 'stuck':
      return `you said you are working, but nothing has changed for a while (${detail}). If a command hangs, stop it.`;
    case 'no_evidence':
      return `you reported done, but your branch \`${place.branch}\` has no new commits ahead of \`${place.base}\`. Commit your work first.`;
    case 'api_error':
      return `your last turn ended on a failed model call (${detail}). The wait is over: continue with your task where you left off.`;
  }
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

function bullets(items: readonly string[], empty: string): string {
  return items.length === 0 ? `  - ${empty}` : items.map((item) => `  - \`${visible(item)}\``).join('\n');
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

/** Joins the non-empty sections of a message head with one blank line between them. */
function head(sections: readonly string[]): string {
  return sections
    .map(tidy)
    .filter((section) => section.length > 0)
    .join('\n\n');
}

/** Trims the ends and collapses runs of blank lines that empty placeholders leave behind. */
function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').trim();
}
