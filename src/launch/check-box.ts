import { findBoxEngine } from '../adapters/box-engine.js';
import { pathExists } from '../adapters/file-system.js';
import { boxArgv, boxVerdict, doorPath, type BoxEngine } from '../domain/model/box.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import { CzarError } from '../domain/model/errors.js';
import { launchRecordFile, statePaths } from '../domain/model/paths.js';
import type { Fleet } from '../fleet/handle.js';
import { homeToCover } from './box-behind-door.js';
import { hiddenFolders, systemFolders } from './box-walls.js';

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
