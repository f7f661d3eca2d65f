import { randomUUID } from 'node:crypto';
import { openNetDoor } from '../adapters/fleet-door.js';
import { boxArgv, netPath, type BoxEngine, type BoxPlan } from '../domain/box.js';
import { boxLauncher, proxyEnv, proxyPort, type BoxNetwork, type CredentialSpec } from '../domain/box-network.js';
import type { Fleet } from '../fleet/handle.js';

/** A command to run in a box whose only network is the fleet's door, opening `network` for `name`. */
export interface DoorBox {
  /** Whose door it is: a refusal is an alert line of this worker. */
  readonly name: string;
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
  fleet: Fleet,
  engine: Extract<BoxEngine, { kind: 'bwrap' }>,
  box: DoorBox,
): Promise<string[]> {
  const port = proxyPort(box.network);
  const sockets = await openNetDoor(fleet.paths.root, {
    worker: box.name,
    serial: randomUUID(),
    allow: [...box.network.allow],
    loopbackPorts: [...box.network.loopbackPorts],
    proxyPort: port,
    ...(box.credentials === undefined ? {} : { credentials: box.credentials }),
  });
  return boxArgv(engine.path, {
    ...box.plan,
    sockets,
    env: { ...box.plan.env, ...proxyEnv(port) },
    argv: boxLauncher(netPath(fleet.paths.root), [...box.network.loopbackPorts, port], box.plan.argv),
  });
}
