import { describe, expect, it } from 'vitest';
import { runsInFleet, type FleetMarks } from '../../src/domain/model/fleet-membership.js';

// A worker's pane process 100 (it leads session 100) and the czar 200 (its own pane, its own session).
const marks: FleetMarks = { pids: new Set([100, 200]), folders: ['/w/repo-workers/alpha'] };
const link = (pid: number, ppid: number, session: number) => ({ pid, ppid, session });

describe('runsInFleet', () => {
  it("takes a process under a worker's pane, or under the czar, as the fleet's", () => {
    expect(runsInFleet([link(7, 6, 100), link(6, 100, 100), link(100, 50, 100)], '/tmp', marks)).toBe(true);
    // A reviewer the czar started leads a session of its own.
    expect(runsInFleet([link(9, 200, 9), link(200, 50, 200)], '/tmp', marks)).toBe(true);
  });

  it('takes a child its shell left behind by its session, its parent chain gone', () => {
    expect(runsInFleet([link(7, 1, 100)], '/tmp', marks)).toBe(true);
  });

  it("takes a process in a worker's folder or below it, and only there", () => {
    expect(runsInFleet([link(7, 1, 7)], '/w/repo-workers/alpha', marks)).toBe(true);
    expect(runsInFleet([link(7, 1, 7)], '/w/repo-workers/alpha/src', marks)).toBe(true);
    expect(runsInFleet([link(7, 1, 7)], '/w/repo-workers/alphabet', marks)).toBe(false);
  });

  it("leaves the czar in its own pane, and a person's shell outside the fleet, alone", () => {
    expect(runsInFleet([link(200, 50, 200), link(50, 1, 50)], '/w', marks)).toBe(false);
    expect(runsInFleet([link(8, 3, 3), link(3, 1, 3)], '/home/person', marks)).toBe(false);
    expect(runsInFleet([], undefined, marks)).toBe(false);
  });
});
