import type { Action } from '../../domain/policy/actions.js';
import { cancelChild, joinFleet, recordChild } from '../../fleet/children.js';
import type { Fleet } from '../../fleet/handle.js';
import { sendToWorker } from '../../launch/launcher.js';
import { pasteOrSkip } from './paste-gate.js';

export type ChildAction = Extract<Action, { kind: 'spawn' | 'cancel_child' | 'tell_parent' }>;

/**
 * The effect of a sub-worker action, for the executor to run in the named worker's queue. A spawned child joins the
 * fleet at once: its launch, decided in the same pass, is applied before this effect runs.
 */
export function childEffect(fleet: Fleet, action: ChildAction): () => Promise<void> {
  if (action.kind === 'spawn') joinFleet(fleet, action.spec);
  return () => runEffect(fleet, action);
}

async function runEffect(fleet: Fleet, action: ChildAction): Promise<void> {
  switch (action.kind) {
    case 'spawn':
      await recordChild(fleet.paths, action.spec, Date.now());
      await fleet.log.emit(
        'spawned',
        `spawned on branch ${action.spec.branch} (cut from ${action.spec.parent ?? 'its parent'}'s tip): ${action.reason}`,
        action.worker,
        { parent: action.spec.parent },
      );
      return;
    case 'cancel_child': {
      const spec = fleet.config.workers.find((worker) => worker.name === action.worker);
      if (spec === undefined) return;
      await cancelChild(fleet, spec);
      await fleet.tmux.killSession(spec.name);
      await fleet.log.emit('cancelled', `cancelled, its session stopped: ${action.reason}`, action.worker);
      return;
    }
    case 'tell_parent': {
      const spec = fleet.config.workers.find((worker) => worker.name === action.worker);
      if (spec === undefined) return;
      await fleet.log.emit(
        'tell_parent',
        `told that ${action.child} is ready to merge: ${action.reason}`,
        action.worker,
      );
      await pasteOrSkip(fleet, spec, action, (text, pane) => sendToWorker(fleet, spec, pane, text));
      return;
    }
  }
}
