import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { readJson } from '../../src/adapters/state-files.js';
import { PRESET_DEFAULTS } from '../../src/agents/defaults.js';
import { loadConfig } from '../../src/config/load.js';
import type { FleetEvent } from '../../src/domain/model/words.js';
import type { FleetStatus, WorkerStatus } from '../../src/domain/status/status-schema.js';
import { openFleet, type Fleet } from '../../src/fleet/handle.js';
import { gatherFacts } from '../../src/launch/launch-facts.js';
import { prepareStateDir } from '../../src/launch/launcher.js';
import { launchWave, type WaveResult } from '../../src/launch/wave.js';
import { planLaunch } from '../../src/launch/plan.js';
import { initialPrompt } from '../../src/launch/prompts.js';
import { Supervisor } from '../../src/supervisor/loop/supervisor.js';
import { removeAgentFilesOf } from './cleanup.js';
import { gitIn, tempRepo } from './git-repo.js';
import { waitFor } from './wait.js';

/** The package root, for `bin/czar` and the built sim. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One worker of a test fleet, in the written (czar.yaml) form. */
export interface FixtureWorker {
  readonly name: string;
  readonly task: string;
  readonly scope?: readonly string[];
  readonly depends_on?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** A `hosts:` entry name: the worker runs on that ssh host. */
  readonly host?: string;
  readonly checks?: readonly FixtureCheck[];
  /** The worker's `review:` (off, or fields over the fleet's). */
  readonly review?: 'off' | Readonly<Record<string, unknown>>;
  /** An agent other than the simulated one: a preset or an `agents:` entry. */
  readonly agent?: string;
  /** The task's kind, for the record of outcomes. */
  readonly kind?: string;
  /** The worker's `sandbox:` in the written form. */
  readonly sandbox?: string | Readonly<Record<string, unknown>>;
}

/** A `checks:` entry in the written form. */
export interface FixtureCheck {
  readonly name: string;
  readonly run: string;
  readonly timeout?: string;
}

export interface FixtureOptions {
  readonly workers: readonly FixtureWorker[];
  readonly bonus?: readonly { name?: string; task: string; scope?: readonly string[]; builds_on?: string }[];
  /** Written policy keys, laid over short test defaults (idle 3 s, escalate 4 s, restart max 2 backoff 1 s). */
  readonly policy?: Readonly<Record<string, unknown>>;
  /** The `notify:` entry, given the fixture's root folder (where a test can put its script). */
  readonly notify?: (root: string) => { command: string; args?: readonly string[] };
  /** The written `routing:` entry (how `agent: auto` chooses). */
  readonly routing?: Readonly<Record<string, unknown>>;
  /** The written `integration:` and `pr:` entries. */
  readonly integration?: Readonly<Record<string, unknown>>;
  readonly pr?: Readonly<Record<string, unknown>>;
  /** The fleet's `checks:`. */
  readonly checks?: readonly FixtureCheck[];
  /** The fleet's `review:`. */
  readonly review?: 'off' | Readonly<Record<string, unknown>>;
  /** A repository (and its root folder) an earlier fixture made, for a second sprint there; default: a new one. */
  readonly reuse?: { readonly root: string; readonly repo: string };
  /** Files in the repo's first commit besides README.md. */
  readonly files?: Readonly<Record<string, string>>;
  /** A folder for a bare clone of the repo, added as its remote `origin` (what ssh hosts clone and push to). */
  readonly origin?: string;
  /** `hosts:` entries in the written form. */
  readonly hosts?: readonly Readonly<Record<string, unknown>>[];
  /** `agents:` entries besides the simulated agent's, given the fixture's root folder (where a program may go). */
  readonly agents?: (root: string) => Readonly<Record<string, unknown>>;
}

export interface FleetFixture {
  readonly root: string;
  readonly repo: string;
  readonly configFile: string;
  readonly fleet: Fleet;
  /** Where the sims save every message they got (`<worker>-<n>.txt`). */
  readonly captureDir: string;
  /** Launches the workers `czar up` would start now (the first wave), without starting a czar. */
  launchWave(): Promise<WaveResult>;
  /** Starts an in-process czar, stopped when the test ends; `launchId` as `czar up` gives it (see `startCzar`). */
  supervise(launchId?: string): Promise<Supervisor>;
  events(): Promise<FleetEvent[]>;
  status(): Promise<FleetStatus | undefined>;
  /** The first event of `kind` (for `worker`) matching `match`, waiting for it. */
  waitForEvent(
    kind: string,
    worker?: string,
    options?: { match?: (event: FleetEvent) => boolean; timeoutMs?: number },
  ): Promise<FleetEvent>;
  waitForStatus(
    predicate: (status: FleetStatus) => boolean,
    options?: { timeoutMs?: number; what?: string },
  ): Promise<FleetStatus>;
  /** Messages the sim of `worker` received, in order. */
  captures(worker: string): Promise<string[]>;
}

/** Reading a fleet's event log and status file, and waiting on them (shared by the sim and real-agent fleets). */
export type FleetProbes = Pick<FleetFixture, 'events' | 'status' | 'waitForEvent' | 'waitForStatus'>;

export function fleetProbes(fleet: Fleet): FleetProbes {
  const events = async (): Promise<FleetEvent[]> => {
    const text = await readFile(fleet.paths.events, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as FleetEvent);
  };
  const status = (): Promise<FleetStatus | undefined> => readJson<FleetStatus>(fleet.paths.status);
  return {
    events,
    status,
    async waitForEvent(kind, worker, { match, timeoutMs = 30_000 } = {}) {
      try {
        return await waitFor(
          async () =>
            (await events()).find(
              (event) =>
                event.kind === kind && (worker === undefined || event.worker === worker) && (match?.(event) ?? true),
            ),
          {
            timeoutMs,
            intervalMs: 100,
            what: `event ${kind}${worker === undefined ? '' : ` of ${worker}`}`,
          },
        );
      } catch (error) {
        // The fleet's temp folder is gone after the test: what the czar did is the only clue to a timeout.
        const tail = (await events())
          .slice(-25)
          .map(
            (event) =>
              `  ${event.at.slice(11, 23)} ${event.worker ?? 'czar'} ${event.kind}: ${event.message.slice(0, 200)}`,
          );
        throw new Error(`${(error as Error).message}\nthe last events:\n${tail.join('\n')}`);
      }
    },
    waitForStatus(predicate, { timeoutMs = 30_000, what = 'status' } = {}) {
      return waitFor(
        async () => {
          const current = await status();
          return current !== undefined && predicate(current) ? current : undefined;
        },
        { timeoutMs, intervalMs: 100, what },
      );
    },
  };
}

/**
 * An `agents:` entry for a terminal program czar has no preset for: the simulated agent's TUI run as a program of the
 * person's own (no `preset:`, so nothing of the sim preset applies), saving what it gets in the fixture's captures.
 */
export function simAsCustomAgent(root: string): Readonly<Record<string, unknown>> {
  return {
    command: PRESET_DEFAULTS.sim.command,
    args: PRESET_DEFAULTS.sim.args,
    env: { CZAR_SIM_CAPTURE_DIR: `${root}/captures` },
  };
}

/** A worker's entry in a status, or a test failure naming it. */
export function workerIn(status: FleetStatus, name: string): WorkerStatus {
  const found = status.workers.find((worker) => worker.name === name);
  if (found === undefined) throw new Error(`no worker ${name} in status.json`);
  return found;
}

/**
 * A fleet of simulated agents in a throwaway repo: czar.yaml beside the repo, a tmux server unique to the test
 * (the project name is random, and the socket is `czar-<project>`), killed with the czar when the test ends.
 */
export async function fleetFixture(options: FixtureOptions): Promise<FleetFixture> {
  if (!existsSync(path.join(PACKAGE_ROOT, 'dist', 'sim', 'agent.js')))
    throw new Error('dist/ is missing; run "npm run build" first.');
  const { root, repo } = options.reuse ?? (await tempRepo(options.files));
  const captureDir = path.join(root, 'captures');
  const configFile = path.join(root, 'czar.yaml');
  const written = {
    project: `t${randomBytes(5).toString('hex')}`,
    repo: 'repo',
    base: 'main',
    worktrees: 'workers',
    agent: 'sim',
    agents: { sim: { env: { CZAR_SIM_CAPTURE_DIR: captureDir } }, ...options.agents?.(root) },
    policy: {
      launch_concurrency: 6,
      idle_after: '3s',
      escalate_after: '4s',
      restart: { max: 2, backoff: '1s' },
      ...options.policy,
    },
    workers: options.workers,
    ...(options.bonus === undefined ? {} : { bonus: options.bonus }),
    ...(options.checks === undefined ? {} : { checks: options.checks }),
    ...(options.review === undefined ? {} : { review: options.review }),
    ...(options.notify === undefined ? {} : { notify: options.notify(root) }),
    ...(options.hosts === undefined ? {} : { hosts: options.hosts }),
    ...(options.integration === undefined ? {} : { integration: options.integration }),
    ...(options.pr === undefined ? {} : { pr: options.pr }),
    ...(options.routing === undefined ? {} : { routing: options.routing }),
  };
  if (options.origin !== undefined) {
    const bare = path.join(options.origin, 'origin.git');
    await gitIn(options.origin, ['clone', '--quiet', '--bare', repo, bare]);
    await gitIn(repo, ['remote', 'add', 'origin', bare]);
  }
  await writeFile(configFile, stringify(written));
  const fleet = openFleet(await loadConfig(configFile));
  const supervisors: Supervisor[] = [];
  onTestFinished(async (context) => {
    // A failed scenario is read from its event log: print it so the failure explains itself.
    if (context.task.result?.state === 'fail') {
      const text = await readFile(fleet.paths.events, 'utf8').catch(() => '(no events)');
      console.error(`events of ${fleet.config.project}:\n${text}`);
      // And what each pane showed last: an agent stuck or failing says so on its screen, which no event holds.
      const panes = await fleet.tmux.listPanes().catch(() => []);
      for (const pane of panes) {
        const screen = await fleet.tmux.capture(pane.paneId).catch(() => '(no screen)');
        const lines = screen.trimEnd().split('\n').slice(-15);
        console.error(`screen of ${pane.session} (${pane.paneId}):\n${lines.map((line) => `  | ${line}`).join('\n')}`);
      }
    }
    await Promise.all(supervisors.map((supervisor) => supervisor.stop()));
    // Closed, not only killed: an in-process czar's launch still in flight (a spawned child) would start the server
    // again after the kill. The czar `czar up` starts joins its server only (tmux -N) and cannot.
    await fleet.tmux.close();
    await fleet.hosts.close();
    await removeAgentFilesOf(fleet.config.project);
  });

  const { events, status, waitForEvent, waitForStatus } = fleetProbes(fleet);

  return {
    root,
    repo,
    configFile,
    fleet,
    captureDir,
    async launchWave() {
      const plan = planLaunch(fleet.config, await gatherFacts(fleet));
      if (plan.problems.length > 0) throw new Error(plan.problems.join('\n'));
      await prepareStateDir(fleet);
      const wave = await launchWave(
        fleet,
        plan.workers.filter((step) => step.wave === 'now'),
        (worker) => initialPrompt(fleet.config, worker),
      );
      if (wave.failed.length > 0)
        throw new Error(
          `launch failed: ${wave.failed.map((failure) => `${failure.worker}: ${String(failure.error)}`).join('; ')}`,
        );
      return wave;
    },
    async supervise(launchId) {
      const supervisor = new Supervisor(fleet);
      supervisors.push(supervisor);
      await supervisor.start(launchId);
      return supervisor;
    },
    events,
    status,
    waitForEvent,
    waitForStatus,
    async captures(worker) {
      const files = await readdir(captureDir).catch(() => [] as string[]);
      const numbered = files.flatMap((file) => {
        const match = new RegExp(`^${worker}-(\\d+)\\.txt$`).exec(file);
        return match?.[1] === undefined ? [] : [[Number(match[1]), file] as const];
      });
      numbered.sort((a, b) => a[0] - b[0]);
      return Promise.all(numbered.map(([, file]) => readFile(path.join(captureDir, file), 'utf8')));
    },
  };
}
