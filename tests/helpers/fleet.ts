import type { PaneInfo } from '../../src/adapters/tmux-words.js';
import { initialWorker, type FleetModel, type WorkerModel } from '../../src/domain/model/model.js';
import type { PaneObservation, ReportObservation } from '../../src/domain/model/observations.js';
import { decide } from '../../src/domain/policy/decide.js';
import type { Action } from '../../src/domain/policy/actions.js';
import type { BonusTask, Policy, WorkerSpec } from '../../src/domain/model/config-types.js';
import type { WorkerUsage } from '../../src/domain/usage/usage.js';

/** Builders for pure policy tests: a fleet in memory, and the bits of the shell the scenarios need. */

export const T0 = Date.parse('2025-01-01T10:00:00.000Z');
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

/** Prices for usage tests: one dollar per million input tokens keeps the arithmetic readable. */
export const TEST_PRICES = { 'test-model': { input: 1, output: 0, cacheWrite: 0, cacheRead: 0 } };

/** A worker's usage records: `input` tokens of `model` for `task`, the last of them at `lastAt`. */
export function inputUsage(input: number, model = 'test-model', task = 'a', lastAt = T0): WorkerUsage {
  return {
    tasks: [{ task, models: [{ model, input, output: 0, cacheWrite: 0, cacheRead: 0 }] }],
    files: 1,
    skippedLines: 0,
    lastAt,
  };
}

export function policy(overrides: Partial<Policy> = {}): Policy {
  return {
    launchConcurrency: 2,
    launchStaggerMs: 0,
    idleAfterMs: 90 * SECOND,
    stuckAfterMs: 20 * MINUTE,
    maxActive: 6,
    restart: { max: 3, backoffMs: 30 * SECOND },
    bonus: 'auto',
    autoAnswer: [],
    escalateAfterMs: 5 * MINUTE,
    checkConcurrency: 1,
    budget: { worker: { usd: undefined, tokens: undefined }, fleet: { usd: undefined, tokens: undefined } },
    spawn: { maxChildren: undefined, maxDepth: undefined },
    ...overrides,
  };
}

export function spec(name: string, overrides: Partial<WorkerSpec> = {}): WorkerSpec {
  const task = overrides.task ?? `# Build ${name}\n\nDo the ${name} thing.\n`;
  return {
    name,
    task,
    title: `Build ${name}`,
    taskSource: `czar.yaml:${name.length}`,
    branch: `czar/${name}`,
    agent: { name: 'sim', preset: 'sim', command: 'czar-sim-agent', args: [], env: {} },
    role: undefined,
    roleText: undefined,
    scope: [],
    dependsOn: [],
    env: {},
    worktree: `/tmp/wt/${name}`,
    checks: [],
    ...overrides,
  };
}

export function bonusTask(id: string, overrides: Partial<BonusTask> = {}): BonusTask {
  return {
    id,
    task: `# Bonus ${id}\n\nExtra work ${id}.\n`,
    title: `Bonus ${id}`,
    scope: [],
    role: undefined,
    roleText: undefined,
    buildsOn: undefined,
    ...overrides,
  };
}

export function fleet(specs: readonly WorkerSpec[], overrides: Partial<FleetModel> = {}): FleetModel {
  return {
    workers: specs.map((s) => initialWorker(s, T0)),
    queue: [],
    paused: false,
    policy: policy(),
    base: 'main',
    ...overrides,
  };
}

export function alivePane(at: number, overrides: Partial<PaneObservation> = {}): PaneObservation {
  return {
    alive: true,
    deadStatus: undefined,
    lastOutputAt: at,
    screenWaiting: false,
    screenBusy: false,
    screen: '> ',
    ...overrides,
  };
}

/** A live pane as tmux lists it (`list-panes`), with `overrides`. */
export function paneInfo(overrides: Partial<PaneInfo> = {}): PaneInfo {
  return {
    session: 'a',
    paneId: '%0',
    pid: 1,
    dead: false,
    deadStatus: undefined,
    deadSignal: undefined,
    currentCommand: 'node',
    inMode: false,
    inputOff: false,
    title: '',
    activity: 0,
    piped: true,
    width: 80,
    height: 24,
    ...overrides,
  };
}

/** Replaces one worker's observations (what the shell would write after a look). */
export function observe(
  model: FleetModel,
  name: string,
  patch: (worker: WorkerModel) => Partial<WorkerModel>,
): FleetModel {
  return {
    ...model,
    workers: model.workers.map((worker) => (worker.spec.name === name ? { ...worker, ...patch(worker) } : worker)),
  };
}

/** What the shell does after a launch, deliver or restart: a live pane with a delivered task. */
export function applyShell(model: FleetModel, actions: readonly Action[], now: number): FleetModel {
  let next = model;
  for (const action of actions) {
    if (action.kind === 'launch' || action.kind === 'restart' || action.kind === 'deliver_task') {
      next = observe(next, action.worker, (worker) => ({
        pane: alivePane(now),
        deliveredAt: worker.deliveredAt ?? now,
      }));
    }
  }
  return next;
}

/**
 * Runs decide and applies the shell's side of launches and restarts. `decided` is the fleet as decide returned
 * it, before the shell added new facts: deciding on it again at the same time must yield nothing.
 */
export function tick(
  model: FleetModel,
  now: number,
): { actions: readonly Action[]; fleet: FleetModel; decided: FleetModel; lookAgainAt: number | undefined } {
  const decision = decide(model, now);
  return {
    actions: decision.actions,
    fleet: applyShell(decision.fleet, decision.actions, now),
    decided: decision.fleet,
    lookAgainAt: decision.lookAgainAt,
  };
}

export function kinds(actions: readonly Action[], ...ignore: Action['kind'][]): string[] {
  return actions.filter((action) => !ignore.includes(action.kind)).map((action) => `${action.kind}:${action.worker}`);
}

export function worker(model: FleetModel, name: string): WorkerModel {
  const found = model.workers.find((w) => w.spec.name === name);
  if (found === undefined) throw new Error(`no worker ${name} in the test fleet`);
  return found;
}

export function commits(n: number, at: number, files: readonly string[] = [`src/${n}.ts`]): WorkerModel['git'] {
  return {
    commitsAhead: n,
    filesChanged: files,
    lastCommit: n === 0 ? undefined : { sha: 'a'.repeat(40), subject: `commit ${n}`, at: new Date(at).toISOString() },
    dirty: [],
  };
}

/** A worker's `done` report at `at`. */
export function doneReport(at: number): ReportObservation {
  return { state: 'done', at, progress: undefined, note: 'finished', resultFile: undefined };
}

/** A branch whose tip is `sha`, `commitsAhead` ahead of base, committed at `at`. */
export function branchAt(sha: string, commitsAhead: number, at: number): WorkerModel['git'] {
  return {
    commitsAhead,
    filesChanged: ['src/a.ts'],
    lastCommit: { sha, subject: 'work', at: new Date(at).toISOString() },
    dirty: [],
  };
}

/** The actions of one kind, typed as that kind. */
export function only<K extends Action['kind']>(actions: readonly Action[], kind: K): Extract<Action, { kind: K }>[] {
  return actions.filter((action): action is Extract<Action, { kind: K }> => action.kind === kind);
}
