import { CzarError } from '../model/errors.js';
import { visible } from '../model/sanitize.js';

/** The prompt templates and the one way they are filled, shared by every text czar pastes into a worker. */

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
  readonly reviewFixup: string;
  readonly restarted: string;
  readonly checkpoints: string;
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
  reviewFixup: 'review-fixup.md',
  restarted: 'restarted.md',
  checkpoints: 'checkpoints.md',
};

/** Where the worker sits: shared by every message. */
export interface WorkerPlace {
  readonly project: string;
  readonly worker: string;
  readonly branch: string;
  readonly base: string;
  readonly worktree: string;
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

export function placeValues(place: WorkerPlace): Record<string, string> {
  return {
    project: place.project,
    worker: place.worker,
    branch: place.branch,
    base: place.base,
    worktree: place.worktree,
  };
}

export function bullets(items: readonly string[], empty: string): string {
  return items.length === 0 ? `  - ${empty}` : items.map((item) => `  - \`${visible(item)}\``).join('\n');
}

/** Joins the non-empty sections of a message head with one blank line between them. */
export function head(sections: readonly string[]): string {
  return sections
    .map(tidy)
    .filter((section) => section.length > 0)
    .join('\n\n');
}

/** Trims the ends and collapses runs of blank lines that empty placeholders leave behind. */
export function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').trim();
}
