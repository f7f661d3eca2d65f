import type { FleetModel } from '../model/model.js';
import type { Action } from './actions.js';

/**
 * A state dir with no space left is said once, to the log (which may not take it) and to `notify:` (which needs no
 * disk), and once when the czar can write there again. Meanwhile reports, status.json and events are lost or frozen.
 */
export function checkStateDir(fleet: FleetModel, actions: Action[]): FleetModel {
  const full = fleet.stateDirFull;
  if ((full !== undefined) === (fleet.stateDirFullTold === true)) return fleet;
  if (full !== undefined) {
    const reason = `writing ${full} failed; until there is room, workers' reports are lost and status.json stays as it was: free space on that disk, and the czar writes again by itself`;
    actions.push(
      { kind: 'fleet_event', event: 'state_dir_full', message: 'state dir full', reason },
      { kind: 'notify', worker: undefined, episode: 'state_dir_full', summary: 'state dir full', reason },
    );
  } else {
    actions.push({
      kind: 'fleet_event',
      event: 'state_dir_writable',
      message: 'state dir writable again',
      reason:
        'the czar wrote its status again; reports written while it was full are lost, so workers may report again',
    });
  }
  return { ...fleet, stateDirFullTold: full !== undefined };
}
