import path from 'node:path';
import { czarCommand } from '../adapters/package-files.js';
import { boxArgv, type BoxPlan } from '../domain/box.js';
import {
  proxyEnv,
  proxyPort,
  type BoxNetwork,
  type CredentialSpec,
  type DoorSpec,
  type RelaySpec,
} from '../domain/box-network.js';

/** What a command boxed behind a network door is made from. */
export interface DoorBox {
  /** The engine's executable. */
  readonly engine: string;
  /** Whose door it is: a refused connection is said in this worker's name. */
  readonly worker: string;
  /** The folder the door's socket is made in, seen inside the box in place of the state dir. */
  readonly doorFolder: string;
  readonly network: BoxNetwork;
  /** The box's walls; its door, argv and the proxy's environment are added here. */
  readonly plan: Omit<BoxPlan, 'door' | 'argv'>;
  /** The command run inside the box, behind the relay. */
  readonly argv: readonly string[];
  readonly credentials?: CredentialSpec | undefined;
}

const SOCKET_NAME = 'net.sock';

/**
 * The command line that runs `box.argv` boxed with a network door open only to `box.network`: czar's door around the
 * box, czar's relay inside it around the command (see `adapters/net-door.ts`).
 */
export function doorBoxArgv(box: DoorBox): string[] {
  const port = proxyPort(box.network);
  const relay: RelaySpec = {
    socket: path.join(box.plan.stateDir, SOCKET_NAME),
    ports: [...box.network.loopbackPorts],
    proxyPort: port,
    argv: [...box.argv],
  };
  const boxed = boxArgv(box.engine, {
    ...box.plan,
    door: box.doorFolder,
    env: { ...box.plan.env, ...proxyEnv(port) },
    argv: [...czarCommand(), 'box-relay', JSON.stringify(relay)],
  });
  const door: DoorSpec = {
    worker: box.worker,
    socket: path.join(box.doorFolder, SOCKET_NAME),
    allow: [...box.network.allow],
    stateDir: box.plan.stateDir,
    argv: boxed,
    ...(box.credentials === undefined ? {} : { credentials: box.credentials }),
  };
  return [...czarCommand(), 'box-door', JSON.stringify(door)];
}
