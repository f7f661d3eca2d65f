import { checkpointProgress } from '../model/checkpoints.js';
import { freshReport } from './classify.js';
import { briefedSince, currentTask } from '../model/model.js';
import { visible } from '../model/sanitize.js';
import { duration } from '../model/units.js';
import { model, reached, type Context, type Draft } from './draft.js';
import { ladder } from './ladder.js';

/**
 * A worker that says it is working but has reported no checkpoint of its task for `checkpoint_after` (since the last
 * one, its brief, or the ladder's last reset) goes up the ladder; the nudge names the next open checkpoint.
 */
export function checkpointDue(ctx: Context, draft: Draft): void {
  const worker = model(draft);
  const items = currentTask(worker)?.checkpoints;
  if (items === undefined || freshReport(worker)?.state !== 'working') return;
  const { next, lastAt } = checkpointProgress(items);
  if (next === undefined) return;
  const { ladder: rung } = draft.memory;
  const since = Math.max(lastAt ?? 0, briefedSince(worker), rung.rung === 'none' ? rung.at : 0);
  if (!reached(ctx, draft, since + (ctx.fleet.policy.checkpointAfterMs ?? ctx.fleet.policy.stuckAfterMs))) return;
  draft.why = `no checkpoint reported for ${duration(ctx.now - since)}; the next one is ${next.number}. ${visible(next.text)}`;
  ladder(ctx, draft, 'no_checkpoint');
}

/** When the worker last reported a checkpoint of its current task: progress that resets the ladder. */
export function lastCheckpointAt(draft: Draft): number {
  return checkpointProgress(currentTask(model(draft))?.checkpoints ?? []).lastAt ?? 0;
}
