import path from 'node:path';
import { findBoxEngine } from '../adapters/box-engine.js';
import { privateHome } from '../adapters/box-repo.js';
import { credentialsLock, privateAgentDir } from '../adapters/private-files.js';
import type { ReviewCall } from '../agents/review-call.js';
import { doorBoxVerdict, type BoxEngine } from '../domain/model/box.js';
import { AGENT_AUTH_FILES, AGENT_HOME_FILES, boxedCacheEnv } from '../domain/model/box-home.js';
import { boxNetwork } from '../domain/model/box-network.js';
import type { AgentCommand, WorkerSpec } from '../domain/model/config-types.js';
import { CzarError } from '../domain/model/errors.js';
import type { Fleet } from '../fleet/handle.js';
import { agentFolders, hiddenFolders, systemFolders } from './box-walls.js';
import { refuseUnboxed } from './check-box.js';
import { boxBehindDoor, configEndpoints, homeToCover } from './box-behind-door.js';
import { firstRunUnboxed } from './first-run.js';
import type { Boxer } from './place-types.js';

/**
 * A boxed worker's reviewer, here or on a host (its reviewer runs here), runs in a box of the same kind as a boxed
 * agent's here: the system read-only, the review checkout
 * read-only too (a reviewer reads the worker's code, it does not change it), its run's own folder (`workDir`: its input
 * and answer files) the one folder it writes besides a private copy of its agent's files as its home, czar's state,
 * the siblings' worktrees and the tmux socket out of sight, its own processes, no capabilities, and the network only
 * to its agent's model endpoint, through an entry of its own in the fleet's network door. Undefined for a worker that is not boxed: its reviewer
 * runs as it is.
 */
export async function reviewBox(fleet: Fleet, worker: WorkerSpec, agent: AgentCommand): Promise<Boxer | undefined> {
  const engine = await findBoxEngine();
  const verdict = doorBoxVerdict(worker, engine);
  if (verdict.kind === 'refused') throw new CzarError('sandbox_unavailable', verdict.why);
  if (verdict.kind === 'unboxed' || engine.kind !== 'bwrap') {
    await refuseUnboxed(fleet, worker, engine, `the reviewer of worker "${worker.name}"`);
    return undefined;
  }
  return (call, workDir) => boxedCall(fleet, worker, agent, engine, call, workDir);
}

async function boxedCall(
  fleet: Fleet,
  worker: WorkerSpec,
  agent: AgentCommand,
  engine: Extract<BoxEngine, { kind: 'bwrap' }>,
  call: ReviewCall,
  workDir: string,
): Promise<ReviewCall> {
  const { config } = fleet;
  // The reviewer's agent is its own (it may not be the worker's): its files are a copy apart from the worker's.
  const agentDir = path.join(await privateAgentDir(config.project, fleet.paths.root, worker.name), 'review');
  const home = call.env.HOME ?? process.env.HOME ?? '/root';
  const homeCopy = await privateHome(path.join(agentDir, 'home'), home, AGENT_HOME_FILES[agent.preset] ?? []);
  const reviewer = { ...worker, agent };
  // The endpoints come from the agent's configured command and the person's settings, never from the call, whose
  // prompt holds the worker's diff.
  const network = boxNetwork(
    agent.preset,
    [
      ...Object.values(agent.env),
      ...agent.args,
      ...(agent.reviewArgs ?? []),
      ...(await configEndpoints(reviewer.agent.preset, agent.env, home)),
    ],
    [],
  );
  await firstRunUnboxed(agent.preset, call.command, call.env, config.repo);
  // An entry of its own in the door (never the worker's, whose sockets its agent uses), its refusals the worker's.
  const argv = await boxBehindDoor(fleet.paths.root, engine, {
    name: `${worker.name}.review`,
    owner: worker.name,
    network,
    plan: {
      folder: call.cwd,
      readOnlyFolder: true,
      linkedCheckout: true,
      stateDir: fleet.paths.root,
      home: homeToCover(home),
      homeCopy,
      readable: [...systemFolders(fleet), ...(await agentFolders(reviewer, call.env.PATH))],
      hidden: hiddenFolders(fleet),
      writable: [workDir],
      env: boxedCacheEnv(call.env.XDG_CACHE_HOME ?? process.env.XDG_CACHE_HOME, home),
      argv: [call.command, ...call.args],
    },
    credentials: {
      home,
      copy: homeCopy,
      files: [...(AGENT_AUTH_FILES[agent.preset] ?? [])],
      lock: credentialsLock(fleet.paths.root),
    },
  });
  const [command = '', ...args] = argv;
  return { ...call, command, args };
}
