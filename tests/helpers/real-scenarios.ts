import { expect, it } from 'vitest';
import type { FleetEvent } from '../../src/domain/model/words.js';
import { workerIn, type FixtureWorker } from './fleet-fixture.js';
import { startModelEndpoint, type ModelEndpoint, type RecordedUsage } from './model-endpoint.js';
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

/** A scenario of one agent that runs in the shared scenarios' fleet: its workers, its repo files, its checks. */
export interface ExtraScenario {
  readonly workers: readonly FixtureWorker[];
  readonly files?: Readonly<Record<string, string>>;
  check(fx: RealFleet, endpoint: ModelEndpoint): Promise<void>;
}

/**
 * Registers the three scenarios on one fleet (one agent start for all, as CI time is tight): `builder` commits,
 * reports done and gets the bonus task; `quitter` ends its turn with work left and is nudged, and the nudge reaches
 * the model; the model refuses every call of `refused` with HTTP 400, which is an alert and never a nudge. With
 * `exactUsage`, czar's usage of `builder` per task equals what the endpoint answered it. `extra` runs beside them.
 */
export function itPassesTheScenarios(
  agent: RealAgent,
  options: {
    readonly exactUsage?: boolean;
    readonly extra?: ExtraScenario;
    /** What of the refusal its alert shows, where the agent shows not the API's message (Auggie: the status). */
    readonly refusalShown?: string;
  } = {},
): void {
  it(
    `a worker that reports done gets its bonus, one that stops early is nudged, one refused is alerted${options.extra === undefined ? '' : ', and more'}`,
    async () => {
      const { endpoint, fx } = await upRealFleet(agent, {
        workers: [
          BUILDER,
          { name: 'quitter', task: task('Write the report.', 'RUN: echo started > notes.txt', 'SAY: I stop here.') },
          { name: 'refused', task: task('Anything at all.', 'FAIL: 400 scripted refusal: no such model') },
          // Started once the builder is done: a worker that finished first would take the one bonus task.
          ...(options.extra?.workers ?? []).map((worker) => ({ ...worker, depends_on: ['builder'] })),
        ],
        bonus: [FAREWELL],
        ...(options.extra?.files === undefined ? {} : { files: options.extra.files }),
      });
      const shown = options.refusalShown ?? 'scripted refusal';
      const refused = await fx.waitForStatus(
        (s) => workerIn(s, 'refused').alerts.some((alert) => alert.message.includes(shown)),
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
      if (options.exactUsage === true)
        await expectExactUsage(fx, endpoint, agent, {
          worker: 'builder',
          first: 'echo hello > hello.txt',
          next: 'farewell',
          nextWords: 'echo bye > bye.txt',
        });
      await options.extra?.check(fx, endpoint);
    },
    300_000 * REAL_AGENT_TIMEOUT_SCALE,
  );
}

/**
 * What the endpoint's answers add up to in each API's own terms: Anthropic's input excludes the cache, so every
 * field adds (Augment's backend counts as Anthropic does); OpenAI's and Gemini's prompt counts include the cached tokens and have no cache write.
 */
const apiTokens = (cli: RealAgent, entry: RecordedUsage): { input: number; total: number } =>
  cli === 'claude' || cli === 'auggie'
    ? { input: entry.input, total: entry.input + entry.output + entry.cacheRead + entry.cacheWrite }
    : { input: entry.input - entry.cacheRead, total: entry.input + entry.output };

/** The API each CLI speaks to the endpoint: Auggie its Augment backend's, the others all Chat Completions. */
const apiOf = (cli: RealAgent): string =>
  ['claude', 'codex', 'gemini'].includes(cli) ? cli : cli === 'auggie' ? 'augment' : 'chat';

/**
 * czar's usage of `worker` equals the endpoint's sums exactly, per worker and per task, each repeated record once.
 * The worker's calls are those whose request holds words of its first task (`first`, not its title, which the other
 * workers' briefs quote); those of its second task, `next`, also hold `nextWords` of that task. Claude Code and
 * Gemini CLI record the conversation's calls only (titles and other side calls are billed but not written there), so
 * the figures are the endpoint's main calls.
 */
export async function expectExactUsage(
  fx: RealFleet,
  endpoint: ModelEndpoint,
  cli: RealAgent,
  tasks: { readonly worker: string; readonly first: string; readonly next: string; readonly nextWords: string },
): Promise<void> {
  const holding = (entry: RecordedUsage, text: string): boolean =>
    JSON.stringify(endpoint.requests[entry.request]?.body).includes(text);
  const tokens = (usage: readonly RecordedUsage[]): number =>
    usage.reduce((sum, entry) => sum + apiTokens(cli, entry).total, 0);
  const calls = (): RecordedUsage[] =>
    endpoint.usage.filter((entry) => entry.cli === apiOf(cli) && entry.kind === 'main' && holding(entry, tasks.first));
  const status = await fx.waitForStatus((s) => workerIn(s, tasks.worker).usage?.tokens === tokens(calls()), {
    timeoutMs: 30_000,
    what: `czar's total to reach the endpoint's ${tokens(calls())}`,
  });
  const usage = workerIn(status, tasks.worker).usage;
  const inNext = calls().filter((entry) => holding(entry, tasks.nextWords));
  expect(inNext.length).toBeGreaterThan(0);
  expect(inNext.length).toBeLessThan(calls().length);
  // A task's calls are its own: the last calls of a turn that reported done are not charged to the task after it.
  expect(usage?.tasks.map((task) => [task.task, task.tokens])).toEqual([
    [tasks.worker, tokens(calls()) - tokens(inNext)],
    [tasks.next, tokens(inNext)],
  ]);
  expect(usage?.input).toBe(calls().reduce((sum, entry) => sum + apiTokens(cli, entry).input, 0));
  expect(usage?.cacheRead).toBe(calls().reduce((sum, entry) => sum + entry.cacheRead, 0));
  expect(usage?.skippedLines).toBe(0);
  // Claude Code writes a message with a tool call on more than one line: more lines than calls, counted once.
  expect(calls().length).toBeGreaterThanOrEqual(4);
}

/**
 * Registers the scenario of a new user's settings (`newUser`: every trust prompt on, nothing trusted or approved
 * ahead): czar answers the agent's first-run dialogs, the worker commits, reports done and gets its bonus task.
 * `dialogs`: the ids czar must have answered on the way.
 */
export function itWorksForANewUser(agent: RealAgent, dialogs: readonly string[]): void {
  it(
    `${agent} with a new user's settings: its first-run dialogs answered, done, and its bonus task delivered`,
    async () => {
      const { fx } = await upRealFleet(agent, {
        workers: [BUILDER],
        bonus: [FAREWELL],
        agentOptions: { newUser: true },
      });
      const done = await fx.waitForStatus(
        (s) => workerIn(s, 'builder').tasks.length === 2 && workerIn(s, 'builder').state === 'done',
        { timeoutMs: 120_000, what: 'builder done with its bonus task' },
      );
      expect(workerIn(done, 'builder').tasks).toEqual(['builder', 'farewell']);
      expect(await fx.commits('builder')).toEqual(['add bye', 'add hello']);
      const answered = (await fx.events()).filter((event) => event.kind === 'dialog').map((event) => event.message);
      for (const id of dialogs) expect(answered.some((message) => message.startsWith(`answered ${id} `))).toBe(true);
    },
    240_000 * REAL_AGENT_TIMEOUT_SCALE,
  );
}
