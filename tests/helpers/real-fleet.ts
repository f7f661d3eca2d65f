import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { reportStream } from '../../src/domain/model/paths.js';
import { openFleet, type Fleet } from '../../src/fleet/handle.js';
import { removeAgentFilesOf } from './cleanup.js';
import { czar, uniqueProject } from './cli.js';
import { watchFailureScreens } from './failure-screens.js';
import { fleetProbes, type FixtureCheck, type FixtureWorker, type FleetProbes } from './fleet-fixture.js';
import { gitIn, hermeticGitEnv, tempRepo } from './git-repo.js';
import type { ModelEndpoint } from './model-endpoint.js';
import { REAL_AGENT_BUILDERS, type RealAgent, type RealAgentCommand, type RealAgentOptions } from './real-agents.js';

export interface RealFleetOptions {
  readonly agent: RealAgent;
  readonly endpoint: ModelEndpoint;
  readonly workers: readonly FixtureWorker[];
  readonly bonus?: readonly { name?: string; task: string }[];
  /** Written policy keys, laid over short test defaults. */
  readonly policy?: Readonly<Record<string, unknown>>;
  readonly agentOptions?: RealAgentOptions;
  /** Files in the repo's first commit besides README.md. */
  readonly files?: Readonly<Record<string, string>>;
  /** The fleet's `review:`. */
  readonly review?: Readonly<Record<string, unknown>>;
  /** The fleet's `checks:`. */
  readonly checks?: readonly FixtureCheck[];
  /** The fleet's `sandbox:`. */
  readonly sandbox?: string | Readonly<Record<string, unknown>>;
  /** czar runs with an empty cache folder of its own (XDG_CACHE_HOME), as a new user's: nothing unpacked there yet. */
  readonly newUserCache?: true;
}

export interface RealFleet extends FleetProbes {
  readonly root: string;
  /** czar's cache folder when the fleet has a new user's (`newUserCache`); else the test's own. */
  readonly cacheDir: string | undefined;
  readonly repo: string;
  readonly configFile: string;
  readonly fleet: Fleet;
  readonly agent: RealAgentCommand;
  /** `czar up --detach` in the project folder, as a person runs it; fails the test with czar's own words. */
  up(): Promise<void>;
  /** `czar <args>` from the project folder. */
  czar(args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  /** The commit subjects on a worker's branch that are not on main. */
  commits(worker: string): Promise<string[]>;
}

/**
 * A fleet of one kind of real agent, driven by czar's normal path: a czar.yaml whose `agents:` entry points at the
 * real binary with the builder's env and args, started with `czar up --detach`, supervised by the czar in the
 * fleet's private tmux server (killed when the test ends, with every agent in it).
 */
export async function realFleet(options: RealFleetOptions): Promise<RealFleet> {
  // Gemini CLI skips a settings file below a group- or world-writable folder such as /tmp, and
  // czar keeps the hook settings in the state dir beside czar.yaml: so the project lives in a private folder.
  const privateParent = await mkdtemp(path.join(homedir(), '.czar-real-'));
  const { root, repo } = await tempRepo(options.files, privateParent);
  const agent = await REAL_AGENT_BUILDERS[options.agent](options.endpoint, options.agentOptions);
  const project = uniqueProject();
  const configFile = path.join(root, 'czar.yaml');
  const written = {
    project,
    repo: 'repo',
    base: 'main',
    worktrees: 'workers',
    agent: options.agent,
    agents: {
      [options.agent]: {
        command: agent.command,
        // An entry's args replace the preset's defaults: leave them to the preset unless the builder has some.
        ...(agent.args.length === 0 ? {} : { args: agent.args }),
        // The agent's shell commits in its worktree: a fixed identity, no user or system git config.
        env: { ...hermeticGitEnv(agent.home), ...agent.env },
      },
    },
    policy: {
      launch_concurrency: 4,
      idle_after: '4s',
      escalate_after: '6s',
      restart: { max: 2, backoff: '1s' },
      ...options.policy,
    },
    workers: options.workers,
    ...(options.bonus === undefined ? {} : { bonus: options.bonus }),
    ...(options.review === undefined ? {} : { review: options.review }),
    ...(options.checks === undefined ? {} : { checks: options.checks }),
    ...(options.sandbox === undefined ? {} : { sandbox: options.sandbox }),
  };
  await writeFile(configFile, stringify(written));
  const fleet = openFleet(await loadConfig(configFile));
  const probes = fleetProbes(fleet);
  const failures = watchFailureScreens(fleet, probes.events);
  onTestFinished(async (context) => {
    await failures.stop();
    // A failed scenario is read from its event log, the agents' screens (when czar gave up on one, and at the end)
    // and their report streams: print them.
    if (context.task.result?.state === 'fail') {
      const text = await readFile(fleet.paths.events, 'utf8').catch(() => '(no events)');
      console.error(`events of ${project}:\n${text}`);
      const report = failures.report();
      if (report !== '') console.error(`czar gave up on a worker of ${project}:\n${report}`);
      for (const worker of options.workers) {
        const pane = await fleet.tmux.paneIdOf(worker.name).catch(() => undefined);
        if (pane !== undefined)
          console.error(`screen of ${worker.name}:\n${await fleet.tmux.capture(pane).catch(() => '')}`);
        const reports = await readFile(reportStream(fleet.paths, worker.name), 'utf8').catch(() => '(none)');
        console.error(`reports of ${worker.name}:\n${reports}`);
      }
    }
    await fleet.tmux.killServer();
    await removeAgentFilesOf(project);
    // Removed only after the agents are gone, and again if it comes back: a hook started just before the kill
    // (measured: Claude Code's UserPromptSubmit) runs `czar report`, which writes its report up to a second later
    // and creates the folders again.
    for (let attempt = 0; attempt < 5 && existsSync(privateParent); attempt += 1) {
      // A report written while rm walks the folder fails it with ENOTEMPTY: rm retries those itself.
      await rm(privateParent, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  });
  // Beside the project, not under /tmp: a box shows the system, this folder among it, read-only, and /tmp empty.
  const env = options.newUserCache === true ? { XDG_CACHE_HOME: path.join(privateParent, 'cache') } : undefined;
  const run = (args: readonly string[]): ReturnType<typeof czar> =>
    czar(args, { cwd: root, ...(env === undefined ? {} : { env }) });
  return {
    root,
    cacheDir: env?.XDG_CACHE_HOME,
    repo,
    configFile,
    fleet,
    agent,
    ...probes,
    czar: run,
    async up() {
      const result = await run(['up', '--detach']);
      if (result.exitCode !== 0)
        throw new Error(`czar up --detach failed (${result.exitCode}):\n${result.stderr}${result.stdout}`);
    },
    async commits(worker) {
      const branch = fleet.config.workers.find((spec) => spec.name === worker)?.branch ?? `czar/${worker}`;
      const log = await gitIn(repo, ['log', '--format=%s', `main..${branch}`]);
      return log.split('\n').filter((line) => line !== '');
    },
  };
}
