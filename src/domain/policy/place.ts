import type { Action } from './actions.js';
import type { FleetModel } from '../model/model.js';
import { clearAlert, keepAlert, MESSAGEABLE, name, paused, raiseAlert, type Context, type Draft } from './draft.js';

/** Git under a worker's feet: its worktree moved or removed, its branch deleted, or moved from outside. */

const short = (sha: string | undefined): string => (sha === undefined || sha === '' ? '(unknown)' : sha.slice(0, 12));

export function checkPlace(ctx: Context, draft: Draft): void {
  const place = draft.worker.place;
  // Until its task is delivered a worker's branch and worktree may still be in the making.
  if (place === undefined || draft.worker.deliveredAt === undefined || draft.memory.state === 'stopped') return;
  const { branch, worktree } = draft.worker.spec;

  const missing = place.worktreeMissing;
  if (missing === undefined)
    clearAlert(ctx, draft, 'worktree_missing', undefined, `its worktree ${worktree} is there again`);
  else {
    const advice =
      missing.movedTo === undefined
        ? `if you moved the folder by hand, move it back or run "git worktree repair <its new path>"; if it was removed, run "czar up": it makes it again on branch ${branch} and starts the agent there`
        : `git has branch ${branch} checked out at ${missing.movedTo} now: move it back with "git worktree move ${missing.movedTo} ${missing.path}"`;
    const message = `its worktree ${missing.path} is gone, so its agent cannot work or be restarted; ${advice}`;
    keepAlert(ctx, draft, 'worktree_missing', message, 'the worktree folder is not a checkout of the branch any more');
  }

  const gone = place.branchMissing;
  if (gone === undefined) clearAlert(ctx, draft, 'branch_missing', undefined, `branch ${branch} is there again`);
  else {
    const restore =
      gone.lastTip === undefined
        ? `create it again with "git branch ${branch} <commit>"`
        : `restore it with "git branch ${branch} ${gone.lastTip}"`;
    raiseAlert(
      ctx,
      draft,
      'branch_missing',
      `its branch ${branch} is gone (deleted outside czar), so its next commit would begin a history of its own; ${restore}`,
      { reason: `refs/heads/${branch} does not exist` },
    );
  }

  const moved = place.movedOutside;
  if (moved === undefined) {
    clearAlert(ctx, draft, 'branch_moved_outside', undefined, 'its worktree and branch agree again');
    return;
  }
  if (moved.committedOver !== undefined) {
    const message =
      moved.to === ''
        ? `its branch ${branch} was deleted under it and commit ${short(moved.committedOver)} began a new history without the branch's earlier commits (last ${short(moved.from)}); put them back with "git merge --allow-unrelated-histories ${moved.from}" in its worktree, or reset the branch to ${short(moved.from)}`
        : `commit ${short(moved.committedOver)} was made on top of ${short(moved.to)}, which came from outside its worktree, from an index without it: check that it does not undo that change ("git diff ${short(moved.to)} ${short(moved.committedOver)}")`;
    keepAlert(
      ctx,
      draft,
      'branch_moved_outside',
      message,
      `HEAD reflog of ${worktree} does not run on from ${short(moved.from)}`,
    );
    return;
  }
  const how = moved.forward ? 'a commit was added from outside it' : 'it was reset or rewritten from outside';
  const message = `its branch ${branch} moved from ${short(moved.from)} to ${short(moved.to)} outside its worktree (${how}); its index is still at ${short(moved.from)}, so its next commit would undo that change`;
  keepAlert(
    ctx,
    draft,
    'branch_moved_outside',
    message,
    `the worktree's HEAD reflog ends at ${short(moved.from)}, the branch is at ${short(moved.to)}`,
  );
  if (
    draft.memory.movedTold === moved.to ||
    paused(ctx, draft) ||
    !MESSAGEABLE.has(draft.memory.state) ||
    draft.worker.pane?.alive !== true
  )
    return;
  draft.memory.movedTold = moved.to;
  ctx.actions.push({
    kind: 'warn_moved',
    worker: name(draft),
    from: moved.from,
    to: moved.to,
    forward: moved.forward,
    reason: message,
  });
}

/**
 * Base gone (renamed or deleted while the czar runs) is said once for the fleet, and once when it is back. Meanwhile
 * no branch can be counted against it, so the ladder holds (see `ladder`) rather than nudge finished workers.
 */
export function checkBase(fleet: FleetModel, actions: Action[]): FleetModel {
  const missing = fleet.baseMissing === true;
  if (missing === (fleet.baseMissingTold === true)) return fleet;
  actions.push(
    missing
      ? {
          kind: 'fleet_event',
          event: 'base_missing',
          message: `base ${fleet.base} is gone`,
          reason: `refs/heads/${fleet.base} does not exist (renamed or deleted); branches cannot be counted until it is back, so no worker is nudged, re-briefed or restarted meanwhile; restore it with "git branch -m <new name> ${fleet.base}", or set base: to the new name and run "czar up"`,
        }
      : {
          kind: 'fleet_event',
          event: 'base_back',
          message: `base ${fleet.base} is back`,
          reason: `refs/heads/${fleet.base} exists again`,
        },
  );
  return { ...fleet, baseMissingTold: missing };
}
