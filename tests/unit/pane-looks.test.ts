import { describe, expect, it } from 'vitest';
import { SCREEN_LOOK_MS, paneLooks, type LookFacts } from '../../src/supervisor/sources/pane-screens.js';
import { sweepEveryMs } from '../../src/supervisor/loop/pass-clock.js';

const PANE_SWEEP_MS = sweepEveryMs(20);

const now = 100_000;
/** Both looks just due by the clock, with busy panes. */
const due: LookFacts = {
  now,
  workers: 20,
  lastSweep: now - PANE_SWEEP_MS,
  lastScreenLook: now - SCREEN_LOOK_MS,
  panesDirty: false,
  screensDirty: true,
  reporting: false,
};

describe('the pane looks of a pass', () => {
  it('makes the looks the clock says are due', () => {
    expect(paneLooks(due)).toEqual({ sweep: true, look: true });
  });

  it('makes the looks on a clock tick that comes a few milliseconds early', () => {
    expect(paneLooks({ ...due, lastSweep: now - PANE_SWEEP_MS + 5, lastScreenLook: now - SCREEN_LOOK_MS + 5 })).toEqual(
      { sweep: true, look: true },
    );
  });

  it('makes none before they are due', () => {
    expect(paneLooks({ ...due, lastSweep: now - PANE_SWEEP_MS / 2, lastScreenLook: now - SCREEN_LOOK_MS / 2 })).toEqual(
      { sweep: false, look: false },
    );
    expect(paneLooks({ ...due, screensDirty: false })).toEqual({ sweep: true, look: false });
  });

  it('leaves looks due only by the clock to the next pass when this one shows a fresh report', () => {
    expect(paneLooks({ ...due, reporting: true })).toEqual({ sweep: false, look: false });
  });

  it('still asks tmux at once about a pane that died or was launched, report or not', () => {
    expect(paneLooks({ ...due, reporting: true, panesDirty: true, lastSweep: now })).toEqual({
      sweep: true,
      look: false,
    });
  });

  it('makes a look put off for a whole interval even in a report pass, so a stream of reports cannot starve it', () => {
    expect(
      paneLooks({
        ...due,
        reporting: true,
        lastSweep: now - 2 * PANE_SWEEP_MS,
        lastScreenLook: now - 2 * SCREEN_LOOK_MS,
      }),
    ).toEqual({ sweep: true, look: true });
  });
});
