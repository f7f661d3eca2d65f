import { describe, expect, it } from 'vitest';
import type { FleetModel } from '../../src/domain/model/model.js';
import { decide } from '../../src/domain/policy/decide.js';
import { DOOR_RESTART_MS } from '../../src/domain/policy/net-doors.js';
import { fleet, only, SECOND, spec, T0 } from '../helpers/fleet.js';

const WHERE = ' on host "far"';

function withDoor(model: FleetModel, up: boolean): FleetModel {
  return { ...model, netDoors: new Map([[WHERE, { up, worker: 'b1' }]]) };
}

describe('a network door of boxed workers, as decide() sees it', () => {
  const base = fleet([spec('b1')]);

  it('asks a door seen down to start again, says so once, asks again while it stays down, and forgets it once up', () => {
    const first = decide(withDoor(base, false), T0);
    expect(only(first.actions, 'restart_door')).toEqual([expect.objectContaining({ via: 'b1', where: WHERE })]);
    expect(only(first.actions, 'fleet_event').map((action) => `${action.message}: ${action.reason}`)).toEqual([
      'network door restarted on host "far": its process had stopped, so the boxed agents there reached no model; czar started it again',
    ]);
    expect(first.lookAgainAt).toBe(T0 + DOOR_RESTART_MS);
    // Still down a moment later: the new door is starting, nothing is asked or said.
    const starting = decide(first.fleet, T0 + SECOND);
    expect(only(starting.actions, 'restart_door')).toEqual([]);
    expect(starting.fleet).toBe(first.fleet);
    // Still down when it should have come: asked again, not said again.
    const again = decide(starting.fleet, T0 + DOOR_RESTART_MS);
    expect(only(again.actions, 'restart_door')).toHaveLength(1);
    expect(only(again.actions, 'fleet_event')).toEqual([]);
    // Up: forgotten, so its next death is said again.
    const up = decide(withDoor(again.fleet, true), T0 + DOOR_RESTART_MS + SECOND);
    expect(up.fleet.netDoorsRestarted).toBeUndefined();
    const died = decide(withDoor(up.fleet, false), T0 + 2 * DOOR_RESTART_MS);
    expect(only(died.actions, 'fleet_event')).toHaveLength(1);
  });

  it('asks nothing of a door that runs, or of none seen', () => {
    for (const model of [base, withDoor(base, true)]) {
      const { actions, fleet: next } = decide(model, T0);
      expect(only(actions, 'restart_door')).toEqual([]);
      expect(next.netDoorsRestarted).toBeUndefined();
    }
  });
});
