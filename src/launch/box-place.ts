import path from 'node:path';
import { findBoxEngine } from '../adapters/box-engine.js';
import { makeBoxedRepo, privateHome, tipOf } from '../adapters/box-repo.js';
import { freshDoor, writeInDoor } from '../adapters/door-files.js';
import { startingView } from '../domain/status/door-view.js';
import { pathExists, readUtf8, resolveLinks } from '../adapters/file-system.js';
import { worktreeIdentity } from '../adapters/git-worktrees.js';
import { keepFleetDoor } from '../adapters/fleet-door.js';
import { credentialsLock, privateAgentDir } from '../adapters/private-files.js';
import { presetOf } from '../agents/index.js';
import { agentMode, doorBoxVerdict, doorPath, withMode } from '../domain/model/box.js';
import { AGENT_AUTH_FILES, AGENT_HOME_FILES, boxedCacheEnv } from '../domain/model/box-home.js';
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
import { agentFolders, hiddenFolders, systemFolders } from './box-walls.js';

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
  // The box's PATH is set inside it, and kept in the pane's own variables too: tmux starts a program whose PATH it is
  // given through the czar's control connection, and one without needs a tmux client process of its own.
  const env = { ...agent.env, ...mode?.env };
  const pathVariable = env.PATH;
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
