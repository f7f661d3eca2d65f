import path from 'node:path';
import { findBoxEngine } from '../adapters/box-engine.js';
import { makeBoxedRepo, privateHome, tipOf } from '../adapters/box-repo.js';
import { freshDoor, writeInDoor } from '../adapters/door-files.js';
import { startingView } from '../domain/status/door-view.js';
import { pathExists, pathExistsSync, readUtf8, resolveLinks } from '../adapters/file-system.js';
import { worktreeIdentity } from '../adapters/git-worktrees.js';
import { keepFleetDoor } from '../adapters/fleet-door.js';
import { PACKAGE_ROOT } from '../adapters/package-files.js';
import { credentialsLock, privateAgentDir } from '../adapters/private-files.js';
import { which } from '../adapters/which.js';
import { presetOf } from '../agents/index.js';
import {
  AGENT_AUTH_FILES,
  AGENT_HOME_FILES,
  agentMode,
  boxArgv,
  boxedCacheEnv,
  boxVerdict,
  doorBoxVerdict,
  doorPath,
  withMode,
  type BoxEngine,
} from '../domain/model/box.js';
import { boxNetwork } from '../domain/model/box-network.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import { CzarError } from '../domain/model/errors.js';
import { doorViewFile, launchRecordFile, proofFile, statePaths } from '../domain/model/paths.js';
import { recordMade } from '../fleet/ownership.js';
import type { Fleet } from '../fleet/handle.js';
import type { LocalPlace, PaneProgram } from './place-types.js';
import type { WorkerPlan } from './plan.js';
import { worktreeIndexStamp } from '../adapters/worktree-index.js';
import { argvBehindDoor, configEndpoints, enterDoor, homeToCover } from './box-behind-door.js';
import { firstRunUnboxed } from './first-run.js';

/**
 * A box on this machine around a repository of the worker's own (see `adapters/box-repo.ts`): the pane runs the
 * engine, which runs the agent with the system read-only, its own folder, its agent's private folder and its
 * `writable:` paths writable, no network, its own processes only, and czar's state seen through its door.
 */
export const boxPlace: LocalPlace = {
  kind: 'box',
  prepare: makeRepo,
  verify: verifyRepo,
  program: boxedProgram,
};

async function makeRepo(fleet: Fleet, step: WorkerPlan): Promise<string | undefined> {
  const { worker } = step;
  const { config } = fleet;
  // A spawned child's branch is cut from its parent's tip: its work goes back to the parent, not to base.
  const from = config.workers.find((other) => other.name === worker.parent)?.branch ?? config.base;
  const made = { worker: worker.name, branch: worker.branch, worktree: worker.worktree };
  const [, outcome] = await Promise.all([
    // The boxes' network door starts (a node start) while the repositories are made, not after, nor before each.
    keepFleetDoor(fleet.paths.root),
    makeBoxedRepo(config.repo, worker.worktree, worker.branch, from, worker.name, {
      knownToExist: step.worktree === 'checkout-branch',
      // The base is read once for the launch; a parent's branch moves, and is read as it is now.
      ...(from === config.base ? { fromTip: () => tipOf(config.repo, from) } : {}),
      integration: config.integration.branch,
    }),
  ]);
  if (outcome === 'created') await recordMade(fleet.paths, 'branch', made);
  await recordMade(fleet.paths, 'worktree', made);
  await fleet.log.emit(
    'worktree_added',
    `repository of its own ${worker.worktree} on ${worker.branch}${outcome === 'created' ? ` (new, from ${from})` : ' (existing branch)'}`,
    worker.name,
  );
  return worktreeIndexStamp(worker.worktree);
}

async function verifyRepo(_fleet: Fleet, worker: WorkerSpec): Promise<void> {
  const where = `worker "${worker.name}" was not started`;
  const identity = await worktreeIdentity(worker.worktree);
  const [top, own] = await Promise.all([
    identity === undefined ? undefined : resolveLinks(identity.top).catch(() => identity.top),
    resolveLinks(worker.worktree).catch(() => worker.worktree),
  ]);
  if (identity === undefined || top !== own || identity.commonDir !== path.join(identity.top, '.git'))
    throw new CzarError(
      'worktree_missing',
      `${worker.worktree} is not the repository czar made for boxed worker "${worker.name}", so ${where}; move that folder away and run "czar up" to make it again.`,
    );
  if (identity.branch !== worker.branch) {
    const on = identity.branch === undefined ? 'a detached HEAD' : `branch "${identity.branch}"`;
    throw new CzarError(
      'worktree_wrong_branch',
      `The repository ${worker.worktree} is on ${on}, not "${worker.branch}", so ${where}; check out "${worker.branch}" there and run "czar up" again.`,
    );
  }
}

/**
 * Where a boxed worker's agent keeps its home: the private copy its box shows at the home's path (its records, its
 * sign-in); undefined for a worker that is not boxed or whose box was never made.
 */
export async function boxedHomeOf(fleet: Fleet, worker: WorkerSpec): Promise<string | undefined> {
  if (worker.sandbox === undefined) return undefined;
  const copy = privateHomePath(await privateAgentDir(fleet.config.project, fleet.paths.root, worker.name));
  return (await pathExists(copy)) ? copy : undefined;
}

const privateHomePath = (agentDir: string): string => path.join(agentDir, 'home');

/** Said once per process: every worker of the launch would say the same. */
let saidUnboxed = false;

async function boxedProgram(fleet: Fleet, worker: WorkerSpec, agent: PaneProgram): Promise<PaneProgram> {
  const engine = await findBoxEngine();
  const verdict = doorBoxVerdict(worker, engine);
  if (verdict.kind === 'refused') throw new CzarError('sandbox_unavailable', verdict.why);
  if (verdict.kind === 'unboxed' || engine.kind !== 'bwrap') {
    if (!saidUnboxed)
      await fleet.log.emit(
        'sandbox_unavailable',
        `workers with sandbox: on run unboxed: ${verdict.kind === 'unboxed' ? verdict.why : ''}`,
      );
    saidUnboxed = true;
    return agent;
  }
  const { config } = fleet;
  const home = agent.env.HOME ?? process.env.HOME ?? '/root';
  const mode = agentMode(worker, verdict, presetOf(worker.agent).noApproval).mode;
  const argv = mode === undefined ? agent.argv : withMode(agent.argv, mode);
  const { PATH: pathVariable, ...env } = { ...agent.env, ...mode?.env };
  const homeMade = privateAgentDir(config.project, fleet.paths.root, worker.name).then(async (agentDir) => ({
    agentDir,
    homeCopy: await privateHome(privateHomePath(agentDir), home, AGENT_HOME_FILES[worker.agent.preset] ?? []),
  }));
  const network = configEndpoints(worker.agent.preset, agent.env, home).then((endpoints) =>
    boxNetwork(
      worker.agent.preset,
      [...Object.values(agent.env), ...argv, ...endpoints],
      worker.sandbox?.allowHosts ?? [],
    ),
  );
  // Independent of each other: a pane waits for the slowest, not for their sum. The network door's entry waits for
  // the home copy only (its first sign-in round syncs into it), not for the door folder.
  const [doorFolder, { agentDir, homeCopy }, programFolders, , [opened, sockets]] = await Promise.all([
    openDoor(fleet, worker),
    homeMade,
    agentFolders(worker, pathVariable),
    firstRunUnboxed(worker.agent.preset, worker.agent.command, agent.env, config.repo),
    Promise.all([homeMade, network]).then(async ([{ homeCopy: copy }, opened]) => {
      const credentials = {
        home,
        copy,
        files: [...(AGENT_AUTH_FILES[worker.agent.preset] ?? [])],
        lock: credentialsLock(fleet.paths.root),
      };
      return [opened, await enterDoor(fleet.paths.root, { name: worker.name, network: opened, credentials })] as const;
    }),
  ]);
  const boxed = argvBehindDoor(
    fleet.paths.root,
    engine,
    {
      network: opened,
      plan: {
        folder: worker.worktree,
        door: doorFolder,
        stateDir: fleet.paths.root,
        home: homeToCover(home),
        homeCopy,
        readable: [...systemFolders(fleet), ...programFolders],
        hidden: hiddenFolders(fleet),
        writable: [agentDir, ...(worker.sandbox?.writable ?? [])],
        env: {
          ...(pathVariable === undefined ? {} : { PATH: pathVariable }),
          ...boxedCacheEnv(env.XDG_CACHE_HOME ?? process.env.XDG_CACHE_HOME, home),
        },
        argv,
      },
    },
    sockets,
  );
  return { argv: boxed, env };
}

/**
 * The box a check of a boxed worker runs in, here or on a host (its checks run here): the same walls as a boxed
 * agent's here (the system read-only, its checkout the one folder it writes besides `writable:`, czar's state, the
 * siblings and the tmux server out of sight, its own processes, no capabilities), and no network at all: the worker's
 * code a check runs has no model to talk to.
 */
export async function checkBox(
  fleet: Fleet,
  worker: WorkerSpec,
  folder: string,
): Promise<readonly string[] | undefined> {
  const engine = await findBoxEngine();
  if (engine.kind === 'bwrap' && boxVerdict(worker, engine).kind === 'boxed')
    return checkArgv(fleet, engine.path, folder, worker.sandbox?.writable ?? []);
  await refuseUnboxed(fleet, worker, engine, `the checks of worker "${worker.name}"`);
  return undefined;
}

/**
 * Throws when a worker's code is to be judged with no box around it though it must have one: its sandbox is
 * `required`, or its agent was launched boxed (its door was made), whatever this czar's engine probe found since (a
 * bwrap removed, a trial that failed on a loaded machine). Its checks or reviewer never run as the person then.
 */
export async function refuseUnboxed(
  fleet: Fleet,
  worker: WorkerSpec,
  engine: BoxEngine,
  subject: string,
): Promise<void> {
  if (worker.sandbox === undefined || worker.sandbox.mode === 'off') return;
  const launchedBoxed = await pathExists(
    launchRecordFile(statePaths(doorPath(fleet.paths.root, worker.name)), worker.name),
  );
  if (worker.sandbox.mode !== 'required' && !launchedBoxed) return;
  const none = engine.kind === 'none' ? engine.reason : 'socat is not installed';
  throw new CzarError(
    'sandbox_unavailable',
    `${subject} must run in a box (${launchedBoxed ? `its agent was launched in one` : 'sandbox: required'}), and this machine has no sandbox engine now (${none}); install bubblewrap (apt-get install bubblewrap), and czar tries again at the worker's next commit or the czar's next start.`,
  );
}

/**
 * The box the integration branch's checks run in when any worker of the fleet is boxed (here or on a host): they run
 * that worker's merged code, so they get its walls (with no worker's `writable:`).
 */
export async function integrationCheckBox(fleet: Fleet, folder: string): Promise<readonly string[] | undefined> {
  const engine = await findBoxEngine();
  if (engine.kind !== 'bwrap') {
    for (const worker of fleet.config.workers)
      await refuseUnboxed(fleet, worker, engine, `the integration checks (they run worker "${worker.name}"'s code)`);
    return undefined;
  }
  const boxed = fleet.config.workers.some((worker) => boxVerdict(worker, engine).kind === 'boxed');
  return boxed ? checkArgv(fleet, engine.path, folder, []) : undefined;
}

function checkArgv(fleet: Fleet, engine: string, folder: string, writable: readonly string[]): string[] {
  return boxArgv(engine, {
    folder,
    stateDir: fleet.paths.root,
    home: homeToCover(process.env.HOME ?? '/root'),
    readable: systemFolders(fleet),
    hidden: hiddenFolders(fleet),
    writable,
    env: {},
    argv: [],
    linkedCheckout: true,
  });
}

/** What every box reads although it may sit under the home or /tmp: the repository, czar's install, node. */
export function systemFolders(fleet: Fleet): string[] {
  return [fleet.config.repo, PACKAGE_ROOT, path.dirname(path.dirname(process.execPath))];
}

/** What every box hides: the siblings' worktrees and the tmux server's socket folder, those that exist. */
export function hiddenFolders(fleet: Fleet): string[] {
  return [fleet.config.worktrees, path.dirname(fleet.tmux.socketPath())].filter((dir) => pathExistsSync(dir));
}

/**
 * The folders the agent's program is read from, kept readable when they sit under the home or /tmp: the folder of
 * the command found on PATH and, for a program installed by npm, the `node_modules` it loads its code from.
 */
export async function agentFolders(worker: WorkerSpec, pathVariable: string | undefined): Promise<string[]> {
  const found = await which(worker.agent.command, worker.worktree, pathVariable);
  if (found === undefined) return [];
  const real = await resolveLinks(found).catch(() => found);
  const modules = real.split(path.sep).lastIndexOf('node_modules');
  const loadedFrom =
    modules > 0
      ? real
          .split(path.sep)
          .slice(0, modules + 1)
          .join(path.sep)
      : path.dirname(real);
  return [...new Set([path.dirname(found), loadedFrom])];
}

/**
 * Makes the worker's door: a folder that stands in for czar's state dir inside its box, holding what `czar report`
 * checks (its launch record's folder and its proof), the view of the fleet `czar peers` and `--checkpoint` read, and
 * where its reports and requests go. czar reads them from there, so what comes through is the worker's whose door it
 * came through, whatever name it gives.
 */
async function openDoor(fleet: Fleet, worker: WorkerSpec): Promise<string> {
  const door = doorPath(fleet.paths.root, worker.name);
  const paths = statePaths(door);
  await freshDoor(door, [paths.workers, paths.reports, paths.requests]);
  const { config } = fleet;
  await Promise.all([
    writeInDoor(launchRecordFile(paths, worker.name), `${JSON.stringify({ worktree: worker.worktree })}\n`),
    readUtf8(proofFile(fleet.paths, worker.name)).then((proof) => writeInDoor(proofFile(paths, worker.name), proof)),
    tipOf(config.repo, config.base).then((base) =>
      writeInDoor(
        doorViewFile(door),
        `${JSON.stringify(startingView(config.workers, worker.name, worker.checkpoints ?? [], base))}\n`,
      ),
    ),
  ]);
  return door;
}
