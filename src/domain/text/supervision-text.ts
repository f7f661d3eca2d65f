import type { ConflictSide, StallSituation } from '../policy/actions.js';
import type { CheckFailure } from '../model/observations.js';
import { bullets, fill, placeValues, tidy, type PromptTemplates, type WorkerPlace } from './prompt-template.js';
import { visible } from '../model/sanitize.js';

/**
 * What czar pastes into a worker that needs correcting: a stall, off-scope files, a failed check, a predicted
 * conflict, a moved branch.
 */

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

/** Predicted conflicts: the files, who owns each other side, and what to do about it. */
export function renderConflict(templates: PromptTemplates, place: WorkerPlace, sides: readonly ConflictSide[]): string {
  const [only] = sides;
  const peers = sides.flatMap((side) => (side.peer === undefined ? [] : [side.peer]));
  const base = sides.find((side) => side.peer === undefined);
  const owner =
    only === undefined || sides.length > 1
      ? `each of the ${sides.length} branches below`
      : only.peer === undefined
        ? `the base branch \`${only.peerBranch}\` (it moved since you started)`
        : `${only.peer}'s branch \`${only.peerBranch}\` (worker ${only.peer} owns that side)`;
  const files =
    only !== undefined && sides.length === 1
      ? bullets(only.files, '(none)')
      : sides
          .map((side) => {
            const branch =
              side.peer === undefined
                ? `the base branch \`${side.peerBranch}\``
                : `\`${side.peerBranch}\` (worker ${visible(side.peer)})`;
            return `  - ${branch}: ${side.files.map((file) => `\`${visible(file)}\``).join(', ')}`;
          })
          .join('\n');
  const others = peers.length === 1 ? `${peers[0] ?? ''}'s` : "the other workers'";
  const advice = [
    base === undefined
      ? ''
      : `Merge \`${base.peerBranch}\` into your branch now (\`git merge ${base.peerBranch}\`), resolve these files keeping both sides' intent, and commit.`,
    peers.length === 0
      ? ''
      : `Keep your changes to these files to what your task needs, and do not rewrite ${others} lines there; run \`czar peers\` to see ${peers.length === 1 ? 'its task' : 'their tasks'}. If your task cannot avoid it, say so with \`czar report --state blocked --note "<why>"\`.`,
  ]
    .filter((line) => line !== '')
    .join('\n');
  return tidy(fill(templates.conflict, { ...placeValues(place), owner, files, advice }, 'conflict'));
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

function situationText(situation: StallSituation, place: WorkerPlace, detail: string): string {
  switch (situation) {
    case 'idle':
      return `you stopped, but your task is not reported done (${detail}).`;
    case 'stuck':
      return `you said you are working, but nothing has changed for a while (${detail}). If a command hangs, stop it.`;
    case 'no_evidence':
      return `you reported done, but your branch \`${place.branch}\` has no new commits ahead of \`${place.base}\`. Commit your work first.`;
    case 'no_checkpoint':
      return `you have not reported a checkpoint of your task for a while (${detail}). Work towards it, commit, and run \`czar report --checkpoint <its number>\` when it is done.`;
    case 'api_error':
      return `your last turn ended on a failed model call (${detail}). The wait is over: continue with your task where you left off.`;
  }
}
