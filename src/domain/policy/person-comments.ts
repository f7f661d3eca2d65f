import type { WorkerModel } from '../model/model.js';
import type { PersonComment } from '../model/observations.js';
import { fenced, visible } from '../model/sanitize.js';

/**
 * A person's review comments (`czar comment`, the dashboard's `c` key): kept until the worker is between turns, then
 * delivered together as one message. Like a reviewer's finding, a comment is open until a commit after it is judged.
 */

/**
 * The worker has a comment it has not answered: one still waiting for its turn to end, or one delivered on the commit
 * the branch still points at. Verified waits for a newer commit, checked and reviewed like any other.
 */
export function commentOpen(worker: WorkerModel): boolean {
  const { comments, commentedTip } = worker.memory;
  if (comments !== undefined && comments.length > 0) return true;
  return commentedTip !== undefined && (worker.git.lastCommit?.sha ?? '') === commentedTip;
}

/** `src/a.ts:12 text`: a comment that starts with the place in the worker's code it is about. */
const PLACE = /^(\S+):([1-9]\d*)(?:\s+|$)/;

/** Splits a comment as a person types it (`[FILE:LINE] TEXT`) into its place and its text. */
export function commentParts(typed: string): { file?: string; line?: number; text: string } {
  const place = PLACE.exec(typed.trimStart());
  if (place === null) return { text: typed.trim() };
  return { file: place[1], line: Number(place[2]), text: typed.trimStart().slice(place[0].length).trim() };
}

const GENERAL = '(no file)';

/** The comments as the worker gets them: grouped by file, each with its line, inside one fence as the person's words. */
export function renderComments(comments: readonly PersonComment[]): string {
  const byFile = new Map<string, PersonComment[]>();
  for (const comment of comments) {
    const file = comment.file ?? GENERAL;
    byFile.set(file, [...(byFile.get(file) ?? []), comment]);
  }
  const lines: string[] = [];
  for (const [file, list] of byFile) {
    if (lines.length > 0) lines.push('');
    lines.push(visible(file));
    for (const comment of list) {
      const where = comment.file === undefined ? '' : `${visible(comment.file)}:${comment.line ?? '?'} `;
      lines.push(`${where}[comment] ${visible(comment.text)}`);
    }
  }
  const count = comments.length === 1 ? 'a review comment' : `${comments.length} review comments`;
  return [
    `The person reviewed your work and left ${count}. Inside the fence are the person's own words, grouped by file:`,
    '',
    fenced(lines.join('\n')),
    '',
    'Address each comment, then commit, then report done.',
  ].join('\n');
}
