import { describe, expect, it } from 'vitest';
import { classifyWithReason } from '../../src/domain/policy/classify.js';
import type { FleetModel } from '../../src/domain/model/model.js';
import type { ReportObservation } from '../../src/domain/model/observations.js';
import { decide } from '../../src/domain/policy/decide.js';
import type { ApiFailure } from '../../src/domain/model/words.js';
import { alivePane, fleet, MINUTE, observe, policy, SECOND, spec, T0, tick, worker } from '../helpers/fleet.js';

/** The report Claude Code's StopFailure hook leaves: an idle turn end that carries the failure. */
function failed(at: number, failure: ApiFailure): ReportObservation {
  return {
    state: 'idle',
    at,
    progress: undefined,
    note: `turn failed: ${failure.detail}`,
    resultFile: undefined,
    failure,
  };
}

function launched(): FleetModel {
  return tick(fleet([spec('a')]), T0).fleet;
}

describe('a worker whose model calls fail', () => {
  it("is api_error, and the person is told at once with the failure and the agent's words; never nudged", () => {
    const refused: ApiFailure = { kind: 'invalid_request', detail: 'API Error: 400 prompt is too long' };
    let model = observe(launched(), 'a', () => ({
      report: failed(T0 + SECOND, refused),
      pane: alivePane(T0 + SECOND),
    }));
    const first = decide(model, T0 + 2 * SECOND);
    expect(worker(first.fleet, 'a').memory.state).toBe('api_error');
    const notify = first.actions.find((action) => action.kind === 'notify');
    expect(notify).toMatchObject({
      episode: 'api_error',
      summary: expect.stringMatching(/invalid request.*API Error: 400 prompt is too long/),
    });
    model = first.fleet;
    // An hour on: no nudge, re-brief, restart or second notification.
    for (let now = T0 + MINUTE; now < T0 + 60 * MINUTE; now += MINUTE) {
      const next = decide(model, now);
      expect(next.actions.map((action) => action.kind)).toEqual([]);
      model = next.fleet;
    }
  });

  it('waits out a rate limit, sends one continue, and is working again once the agent says so', () => {
    const limited: ApiFailure = { kind: 'rate_limit', detail: 'API Error: Request rejected (429) · slow down' };
    let model = observe(launched(), 'a', () => ({
      report: failed(T0 + SECOND, limited),
      pane: alivePane(T0 + SECOND),
    }));
    const waiting = decide(model, T0 + 2 * SECOND);
    expect(waiting.actions.filter((action) => action.kind === 'nudge' || action.kind === 'notify')).toEqual([]);
    const backoff = policy().restart.backoffMs;
    const after = decide(waiting.fleet, T0 + 2 * SECOND + backoff);
    expect(after.actions.filter((action) => action.kind === 'nudge')).toMatchObject([{ situation: 'api_error' }]);
    expect(decide(after.fleet, T0 + 3 * SECOND + backoff).actions.filter((action) => action.kind === 'nudge')).toEqual(
      [],
    );
    // The continue took: UserPromptSubmit reports working.
    model = observe(after.fleet, 'a', () => ({
      report: { ...failed(0, limited), state: 'working', failure: undefined, at: T0 + 4 * SECOND + backoff },
    }));
    expect(worker(decide(model, T0 + 5 * SECOND + backoff).fleet, 'a').memory.state).toBe('working');
  });

  it('sends no second continue while the first is still on its way, and waits its backoff from when it arrived', () => {
    const limited: ApiFailure = { kind: 'rate_limit', detail: 'API Error: Request rejected (429) · slow down' };
    const backoff = policy().restart.backoffMs;
    let model = observe(launched(), 'a', () => ({
      report: failed(T0 + SECOND, limited),
      pane: alivePane(T0 + SECOND),
    }));
    model = decide(model, T0 + 2 * SECOND).fleet;
    const first = decide(model, T0 + 2 * SECOND + backoff);
    expect(first.actions.filter((action) => action.kind === 'nudge')).toHaveLength(1);
    // The paste waits for the agent's input box far past the second backoff: nothing more is sent meanwhile.
    model = observe(first.fleet, 'a', () => ({ sending: true }));
    for (let later = 1; later <= 5; later++) {
      const next = decide(model, T0 + 2 * SECOND + backoff + later * 2 * backoff);
      expect(next.actions.filter((action) => action.kind === 'nudge')).toEqual([]);
      model = next.fleet;
    }
    // Delivered at last: the agent gets its second backoff from then to say it works again.
    const arrived = T0 + 2 * SECOND + 11 * backoff;
    model = observe(model, 'a', () => ({ sending: false, sentAt: arrived }));
    expect(decide(model, arrived + 10).actions.filter((action) => action.kind === 'nudge')).toEqual([]);
    expect(decide(model, arrived + 2 * backoff).actions.filter((action) => action.kind === 'nudge')).toHaveLength(1);
  });

  it('reads an API error line at the bottom of a still screen (Gemini, Codex) the same way, unless the agent works again', () => {
    const shown: ApiFailure = { kind: 'auth', detail: 'UNAUTHENTICATED' };
    const base = worker(launched(), 'a');
    const onScreen = { ...base, pane: alivePane(T0 + SECOND, { apiFailure: shown }) };
    expect(classifyWithReason(onScreen, T0 + 2 * SECOND, policy()).state).toBe('api_error');
    expect(
      classifyWithReason(
        { ...onScreen, pane: alivePane(T0 + SECOND, { apiFailure: shown, screenBusy: true }) },
        T0 + 2 * SECOND,
        policy(),
      ).state,
    ).toBe('working');
    const working: ReportObservation = {
      state: 'working',
      at: T0 + SECOND,
      progress: undefined,
      note: undefined,
      resultFile: undefined,
    };
    expect(classifyWithReason({ ...onScreen, report: working }, T0 + 2 * SECOND, policy()).state).toBe('working');
  });
});
