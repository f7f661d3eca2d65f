import path from 'node:path';
import { findBoxEngine } from '../adapters/box-engine.js';
import { privateHome } from '../adapters/box-repo.js';
import { freshDoor, writeInDoor } from '../adapters/door-files.js';
import { makeFolder, pathExistsSync, resolveLinks } from '../adapters/file-system.js';
import { PACKAGE_ROOT } from '../adapters/package-files.js';
import { credentialsLock } from '../adapters/private-files.js';
import { Tmux } from '../adapters/tmux.js';
import { which } from '../adapters/which.js';
import { doorBoxVerdict, doorPath, SANDBOX_OFF } from '../domain/model/box.js';
import { AGENT_AUTH_FILES, AGENT_HOME_FILES } from '../domain/model/box-home.js';
import { boxNetwork } from '../domain/model/box-network.js';
import { isPreset } from '../domain/model/config-types.js';
import { CzarError } from '../domain/model/errors.js';
import type { HostPrepareSpec, HostWorkerAnswer, HostWorkerSpec } from '../domain/model/host-prepare.js';
import { statePaths } from '../domain/model/paths.js';
import { boxBehindDoor, configEndpoints, homeToCover } from './box-behind-door.js';

type BoxAnswer = Extract<HostWorkerAnswer, { running: boolean }>['box'];

/**
 * Run on a host by `czar host-prepare` for a worker that asks for a box: the host's own engine is probed (a trial box,
 * as on the launching machine), and where it works the worker gets a door in the host's state dir and the argv its
 * session runs: the same walls as a box on the launching machine (the system read-only, its own repository and its
 * agent's private folder writable, a home and /tmp of its own, its siblings' folders, their agents' files, the host's
 * tmux socket and czar's state out of sight except its door, its own processes, no capabilities). Its network is the
 * fleet's network door on the host (one per host state dir, started here as `czar up` starts it locally), opening its
 * agent's model endpoint as the host reaches it and nothing else (a host worker has no `allow_hosts:`); a refusal goes
 * to its report stream there, which the host's `czar watch` carries to the czar as its alert. Without an engine or
 * socat, `on` answers why it runs unboxed and `required` refuses in one sentence naming the worker and the host.
 */
export async function boxHere(spec: HostPrepareSpec, worker: HostWorkerSpec): Promise<BoxAnswer> {
  const { box } = worker;
  if (box === undefined) return undefined;
  const engine = await findBoxEngine();
  const verdict = doorBoxVerdict(
    { name: worker.session, worktree: worker.worktree, sandbox: { ...SANDBOX_OFF, mode: box.mode } },
    engine,
    `host "${spec.host}"`,
  );
  if (verdict.kind === 'refused') throw new CzarError('sandbox_unavailable', verdict.why);
  if (verdict.kind === 'unboxed' || engine.kind !== 'bwrap')
    return { kind: 'unboxed', why: verdict.kind === 'unboxed' ? verdict.why : 'no sandbox engine' };
  const door = await openDoorHere(spec, worker);
  const home = box.env.HOME ?? process.env.HOME ?? '/root';
  await makeFolder(box.agentDir, 0o700);
  const homeCopy = await privateHome(box.home, home, AGENT_HOME_FILES[box.preset] ?? []);
  const { PATH: pathVariable = process.env.PATH, ...env } = box.env;
  const socketDir = path.dirname(new Tmux(spec.socket).socketPath());
  const preset = isPreset(box.preset) ? box.preset : 'custom';
  const network = boxNetwork(preset, [...box.endpoints, ...(await configEndpoints(preset, box.env, home))], []);
  const argv = await boxBehindDoor(spec.stateDir, engine, {
    name: worker.session,
    network,
    credentials: {
      home,
      copy: homeCopy,
      files: [...(AGENT_AUTH_FILES[box.preset] ?? [])],
      lock: credentialsLock(spec.stateDir),
    },
    plan: {
      folder: worker.worktree,
      door,
      stateDir: spec.stateDir,
      home: homeToCover(home),
      homeCopy,
      // The host's clone, read-only: the repository's objects are borrowed from it.
      readable: [
        spec.clone,
        PACKAGE_ROOT,
        path.dirname(path.dirname(process.execPath)),
        ...(await programFolders(box.argv[0], worker.worktree, pathVariable)),
      ],
      hidden: [...box.hidden, socketDir].filter((dir) => pathExistsSync(dir)),
      writable: [box.agentDir],
      env: { ...(pathVariable === undefined ? {} : { PATH: pathVariable }), ...env },
      argv: box.argv,
    },
  });
  return { kind: 'boxed', argv };
}

/**
 * The worker's door on the host: a folder of its own that stands in for the host's state dir inside its box, holding
 * what `czar report` there checks (its launch record and the digest of its proof, copied from the state dir) and where
 * its reports go. The host's `czar watch` reads its reports from there as this worker's, whatever name they give.
 */
async function openDoorHere(spec: HostPrepareSpec, worker: HostWorkerSpec): Promise<string> {
  const door = doorPath(spec.stateDir, worker.session);
  const paths = statePaths(door);
  await freshDoor(door, [paths.workers, paths.reports, paths.requests]);
  for (const file of worker.files) {
    const inState = path.relative(spec.stateDir, file.path);
    if (inState.startsWith('..') || path.isAbsolute(inState)) continue;
    await writeInDoor(path.join(door, inState), file.content);
  }
  return door;
}

/** The folders the agent's program is read from, kept readable should they sit under the home or /tmp. */
async function programFolders(
  command: string | undefined,
  cwd: string,
  pathVariable: string | undefined,
): Promise<string[]> {
  if (command === undefined) return [];
  const found = await which(command, cwd, pathVariable);
  if (found === undefined) return [];
  const real = await resolveLinks(found).catch(() => found);
  return [...new Set([path.dirname(found), path.dirname(real)])];
}
