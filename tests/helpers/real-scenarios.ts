import { expect, it } from 'vitest';
import type { FleetEvent } from '../../src/domain/words.js';
import { workerIn } from './fleet-fixture.js';
import { startModelEndpoint, type ModelEndpoint } from './model-endpoint.js';
import { REAL_AGENT_TIMEOUT_SCALE, type RealAgent } from './real-agents.js';
import { waitFor } from './wait.js';
import { realFleet, type RealFleet, type RealFleetOptions } from './real-fleet.js';

// The supervision scenarios that every real agent goes through alike (real-agents-<agent>.test.ts), and the setup
// they share: a scripted endpoint plays the model, and every RUN line is a shell tool call that really runs in the
// worker's worktree (see model-endpoint.ts).

/** A task's lines: words for the agent, directives for the scripted model. */
export const task = (...lines: string[]): string => lines.join('\n');

/** What czar does to a worker it thinks stalled; a worker that is busy or done gets none of it. */
export const interventions = (events: readonly FleetEvent[], worker: string): FleetEvent[] =>
  events.filter((event) => event.worker === worker && ['nudge', 'rebrief', 'restart'].includes(event.kind));

/**
 * A scripted endpoint and a fleet of `agent` on it, started with `czar up --detach`. Idle after 4 s, but escalated
 * only after 20 s: a real agent's turn around a tool call takes longer than the fixture's default.
 */
export async function upRealFleet(
  agent: RealAgent,
  options: Omit<RealFleetOptions, 'agent' | 'endpoint'>,
): Promise<{ endpoint: ModelEndpoint; fx: RealFleet }> {
  const endpoint = await startModelEndpoint();
  const fx = await realFleet({
    ...options,
    agent,
    endpoint,
    policy: { idle_after: '4s', escalate_after: '20s', ...options.policy },
  });
  await fx.up();
  return { endpoint, fx };
}

/** The alerts that said an agent recorded its task otherwise than czar pasted it. */
export const deliveryMismatches = (events: readonly FleetEvent[]): FleetEvent[] =>
  events.filter((event) => event.kind === 'alert' && event.data?.alert === 'delivery_mismatch');

/** A worker that commits real work and reports done from its own shell. */
const BUILDER = {
  name: 'builder',
  task: task(
    'Write the greeting and commit it.',
    'RUN: echo hello > hello.txt && git add hello.txt && git commit -qm "add hello"',
    'RUN: czar report --task builder --state done --note "hello committed"',
    'SAY: Finished.',
  ),
};

/** The bonus task a worker gets once it is done. */
const FAREWELL = {
  name: 'farewell',
  task: task(
    'Write the farewell and commit it.',
    'RUN: echo bye > bye.txt && git add bye.txt && git commit -qm "add bye"',
    'RUN: czar report --task farewell --state done --note "bye committed"',
    'SAY: Finished too.',
  ),
};

/** Registers the test that `agent` commits real work, reports done from its own shell and then gets a bonus task. */
export function itWorksAndGetsBonus(agent: RealAgent): void {
  it(
    'commits real work, reports done from its shell and gets the bonus task',
    async () => {
      const { endpoint, fx } = await upRealFleet(agent, {
        workers: [BUILDER],
        bonus: [FAREWELL],
      });
      const done = await fx.waitForStatus(
        (s) => workerIn(s, 'builder').tasks.length === 2 && workerIn(s, 'builder').state === 'done',
        { timeoutMs: 120_000, what: 'builder done with its bonus task' },
      );
      expect(workerIn(done, 'builder').tasks).toEqual(['builder', 'farewell']);
      expect(await fx.commits('builder')).toEqual(['add bye', 'add hello']);
      expect(endpoint.requests.some((request) => JSON.stringify(request.body).includes('command not found'))).toBe(
        false,
      );
      // Both tasks are in the agent's own records as czar pasted them.
      expect(deliveryMismatches(await fx.events())).toEqual([]);
    },
    240_000 * REAL_AGENT_TIMEOUT_SCALE,
  );
}

/**
 * Registers the test that the model refusing a call with HTTP 400 and `error` makes the worker an api_error with
 * an alert that shows `shown` (a part of the error), and is never nudged, re-briefed or restarted.
 */
export function itAlertsOnRefusal(agent: RealAgent, error: string, shown: string): void {
  it(
    'an API refusal is an alert with its error, and no nudges',
    async () => {
      const { fx } = await upRealFleet(agent, {
        workers: [{ name: 'refused', task: task('Anything at all.', `FAIL: 400 ${error}`) }],
      });
      const refused = await fx.waitForStatus(
        (s) => workerIn(s, 'refused').alerts.some((alert) => alert.message.includes(shown)),
        { timeoutMs: 60_000, what: 'an alert naming the refusal' },
      );
      expect(workerIn(refused, 'refused').state).toBe('api_error');
      expect(interventions(await fx.events(), 'refused')).toEqual([]);
    },
    180_000 * REAL_AGENT_TIMEOUT_SCALE,
  );
}

/** Whether any request the model saw holds `text`. */
export const sentToModel = (endpoint: ModelEndpoint, text: string): boolean =>
  endpoint.requests.some((request) => JSON.stringify(request.body).includes(text));

/**
 * Registers the three scenarios on one fleet (one agent start for all, as CI time is tight): `builder` commits,
 * reports done and gets the bonus task; `quitter` ends its turn with work left and is nudged, and the nudge reaches
 * the model; the model refuses every call of `refused` with HTTP 400, which is an alert and never a nudge.
 */
export function itPassesTheScenarios(agent: RealAgent): void {
  it(
    'a worker that reports done gets its bonus, one that stops early is nudged, one refused is alerted',
    async () => {
      const { endpoint, fx } = await upRealFleet(agent, {
        workers: [
          BUILDER,
          { name: 'quitter', task: task('Write the report.', 'RUN: echo started > notes.txt', 'SAY: I stop here.') },
          { name: 'refused', task: task('Anything at all.', 'FAIL: 400 scripted refusal: no such model') },
        ],
        bonus: [FAREWELL],
      });
      const refused = await fx.waitForStatus(
        (s) => workerIn(s, 'refused').alerts.some((alert) => alert.message.includes('scripted refusal')),
        { timeoutMs: 90_000, what: 'an alert naming the refusal' },
      );
      expect(workerIn(refused, 'refused').state).toBe('api_error');
      await fx.waitForEvent('nudge', 'quitter', { timeoutMs: 90_000 });
      await waitFor(() => sentToModel(endpoint, 'Worker quitter:'), {
        timeoutMs: 60_000,
        what: 'the nudge at the model',
      });
      const done = await fx.waitForStatus(
        (s) => workerIn(s, 'builder').tasks.length === 2 && workerIn(s, 'builder').state === 'done',
        { timeoutMs: 120_000, what: 'builder done with its bonus task' },
      );
      expect(workerIn(done, 'builder').tasks).toEqual(['builder', 'farewell']);
      expect(await fx.commits('builder')).toEqual(['add bye', 'add hello']);
      expect(sentToModel(endpoint, 'command not found')).toBe(false);
      const events = await fx.events();
      expect(interventions(events, 'refused')).toEqual([]);
      expect(interventions(events, 'builder')).toEqual([]);
      // Every task is in the agent's own records as czar pasted it, and its calls are counted there.
      expect(deliveryMismatches(events)).toEqual([]);
      expect(workerIn(done, 'builder').usage?.tokens ?? 0).toBeGreaterThan(0);
    },
    300_000 * REAL_AGENT_TIMEOUT_SCALE,
  );
}
