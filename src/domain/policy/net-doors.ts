import type { FleetModel } from '../model/model.js';
import type { Action } from './actions.js';

/**
 * How long a door asked to start again may take to take its lock before it is asked again: a node start on a loaded
 * machine, plus an ssh round to a host.
 */
export const DOOR_RESTART_MS = 20_000;

/**
 * A network door of boxed workers seen down (its process died: every boxed agent there has lost its model) is asked
 * to start again, said once in the event log per death, and asked again while it stays down. The new door serves every
 * entry, so running workers keep their network. Returns the fleet with what was asked, and when to look again.
 */
export function checkNetDoors(
  fleet: FleetModel,
  now: number,
  actions: Action[],
): { fleet: FleetModel; retryAt: number | undefined } {
  const doors = fleet.netDoors;
  const asked = fleet.netDoorsRestarted;
  if (doors === undefined && asked === undefined) return { fleet, retryAt: undefined };
  const next = new Map<string, number>();
  let retryAt: number | undefined;
  for (const [where, door] of doors ?? []) {
    if (door.up) continue;
    const at = asked?.get(where);
    if (at !== undefined && now - at < DOOR_RESTART_MS) {
      next.set(where, at);
      retryAt = Math.min(retryAt ?? Infinity, at + DOOR_RESTART_MS);
      continue;
    }
    const there = where === '' ? 'here' : 'there';
    const reason =
      at === undefined
        ? `its process had stopped, so the boxed agents ${there} reached no model; czar started it again`
        : `it did not come back within ${DOOR_RESTART_MS / 1000} s; czar starts it again`;
    // Said once per death: a door asked again is not said again.
    if (at === undefined)
      actions.push({
        kind: 'fleet_event',
        event: 'box_door_restarted',
        message: `network door restarted${where}`,
        reason,
      });
    actions.push({ kind: 'restart_door', via: door.worker, where, reason });
    next.set(where, now);
    retryAt = Math.min(retryAt ?? Infinity, now + DOOR_RESTART_MS);
  }
  const same = next.size === (asked?.size ?? 0) && [...next].every(([where, at]) => asked?.get(where) === at);
  return { fleet: same ? fleet : { ...fleet, netDoorsRestarted: next.size === 0 ? undefined : next }, retryAt };
}
