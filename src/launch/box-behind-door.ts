import { randomUUID } from 'node:crypto';
import { openNetDoor } from '../adapters/fleet-door.js';
import { pathExistsSync } from '../adapters/file-system.js';
import { readTextFile } from '../adapters/text-file.js';
import { boxArgv, netPath, type BoxEngine, type BoxPlan } from '../domain/model/box.js';
import {
  boxLauncher,
  endpointFiles,
  endpointsIn,
  proxyEnv,
  proxyPort,
  type BoxNetwork,
  type CredentialSpec,
} from '../domain/model/box-network.js';
import type { PresetName } from '../domain/model/config-types.js';

/** A command to run in a box whose only network is the fleet's door, opening `network` for `name`. */
export interface DoorBox {
  /** The door entry's name: a worker's, or `<worker>.review` for its reviewer's box. */
  readonly name: string;
  /** Whose alert a refusal is, when not `name`'s. */
  readonly owner?: string | undefined;
  readonly network: BoxNetwork;
  readonly credentials?: CredentialSpec | undefined;
  /** The box around `plan.argv` (its `env` gets the proxy's variables besides). */
  readonly plan: BoxPlan;
}

/**
 * The engine's command line that runs `box.plan.argv` boxed, reaching `box.network` and nothing else through the
 * fleet's network door: the door (started when none runs) serves the box's sockets before this returns, and inside,
 * socat listens on the box's loopback ports in front of the command (`boxLauncher`). No node process stands between
 * the pane and its agent.
 */
export async function boxBehindDoor(
  stateDir: string,
  engine: Extract<BoxEngine, { kind: 'bwrap' }>,
  box: DoorBox,
): Promise<string[]> {
  return argvBehindDoor(stateDir, engine, box, await enterDoor(stateDir, box));
}

/**
 * Asks the fleet's door (started when none runs) to serve `box.network` for `box.name`, and returns the folder of its
 * sockets once they listen. Apart from `argvBehindDoor`, for a launch that makes the rest of the box meanwhile.
 */
export function enterDoor(stateDir: string, box: Omit<DoorBox, 'plan'>): Promise<string> {
  return openNetDoor(stateDir, {
    worker: box.name,
    ...(box.owner === undefined ? {} : { owner: box.owner }),
    serial: randomUUID(),
    allow: [...box.network.allow],
    loopbackPorts: [...box.network.loopbackPorts],
    proxyPort: proxyPort(box.network),
    ...(box.credentials === undefined ? {} : { credentials: box.credentials }),
  });
}

/** The engine's command line around `box.plan`, behind the door's `sockets` (see `boxBehindDoor`). */
export function argvBehindDoor(
  stateDir: string,
  engine: Extract<BoxEngine, { kind: 'bwrap' }>,
  box: Pick<DoorBox, 'network' | 'plan'>,
  sockets: string,
): string[] {
  const port = proxyPort(box.network);
  return boxArgv(engine.path, {
    ...box.plan,
    sockets,
    env: { ...box.plan.env, ...proxyEnv(port) },
    argv: boxLauncher(netPath(stateDir), [...box.network.loopbackPorts, port], box.plan.argv),
  });
}

/**
 * The home a box covers (see `BoxPlan.home`): none when it does not exist, as for a system user whose home was never
 * made, which a box must not need.
 */
export function homeToCover(home: string): string | undefined {
  return pathExistsSync(home) ? home : undefined;
}

/** A settings file larger than this is not an agent's settings: its endpoints are not looked for. */
const SETTINGS_MAX_BYTES = 1024 * 1024;

/**
 * The endpoints the agent's settings files name, read from the person's own files: never from the worker's copy,
 * which the worker writes and would otherwise use to open any host for itself at its next start.
 */
export function configEndpoints(
  preset: PresetName,
  env: Readonly<Record<string, string>>,
  home: string,
): Promise<string[]> {
  const files = endpointFiles(preset, env, home);
  const key = files.join('\0');
  const known = endpointsRead.get(key);
  if (known !== undefined && Date.now() - known.at < ENDPOINTS_FOR_MS) return known.endpoints;
  const endpoints = Promise.all(
    files.map(async (file) => {
      const read = await readTextFile(file, SETTINGS_MAX_BYTES);
      return read.ok ? endpointsIn(read.text) : [];
    }),
  ).then((texts) => texts.flat());
  endpointsRead.set(key, { at: Date.now(), endpoints });
  return endpoints;
}

/**
 * The endpoints of the same settings files, read once for the workers a launch boxes together (twenty workers of one
 * agent read the same files): a change to them reaches the next worker started after this.
 */
const endpointsRead = new Map<string, { readonly at: number; readonly endpoints: Promise<string[]> }>();
const ENDPOINTS_FOR_MS = 2000;
