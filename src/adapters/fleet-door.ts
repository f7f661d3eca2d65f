import { mkdirSync, readFileSync, watch } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import path from 'node:path';
import { doorSocketName, doorSpecOf, type DoorSpec } from '../domain/model/box-network.js';
import { netPath } from '../domain/model/box.js';
import { CzarError } from '../domain/model/errors.js';
import { statePaths } from '../domain/model/paths.js';
import { keepCredentialsInStep } from './credential-sync.js';
import { acquireLock, liveLockHolder } from './lock-file.js';
import { serveEndpoint, serveProxy } from './net-door.js';
import { czarCommand } from './package-files.js';
import { writeBoxRefusal } from './report-files.js';
import { awaitExit, cleanEnv, spawnDetached } from './process.js';
import { jsonIn, writeAtomic } from './state-files.js';

/**
 * The fleet's network door: one `czar box-door` process, outside every box, serving each boxed worker's sockets
 * (`.czar/net/<worker>/<port>.sock`) from the entry the launch writes for it (`.czar/net/<worker>.json`), and keeping
 * its agent's sign-in files in step with the home. Who speaks is the socket's worker: its box sees its own sockets
 * only. The launch starts the door when none runs and waits until its worker's sockets listen; the czar starts it
 * again if it died (`fleetDoorState` observed, `decide()` asks, the place starts it); `czar down` stops it.
 */

/** How often a boxed agent's sign-in files are compared with the person's: a refreshed token goes home within it. */
const CREDENTIALS_EVERY_MS = 2000;
/** How often the entries are read again besides when the folder changes (a missed change costs this much, no more). */
const RESCAN_MS = 2000;
const SPEC_MAX_BYTES = 64 * 1024;

const lockFile = (stateDir: string): string => path.join(netPath(stateDir), 'door.lock');
const specFile = (stateDir: string, worker: string): string => path.join(netPath(stateDir), `${worker}.json`);
const readyFile = (stateDir: string, worker: string): string => path.join(netPath(stateDir), worker, 'ready');

/** One worker's part of the door, as its latest entry asked. */
interface Served {
  readonly serial: string;
  readonly servers: Server[];
  readonly credentials: { stop(): Promise<void> } | undefined;
}

/** The door's work in the `czar box-door` process, until a signal or a purge stops it and it lets everything go. */
export async function runFleetDoor(stateDir: string): Promise<void> {
  const root = netPath(stateDir);
  // Its folder, in a state dir that must still be there: a door started as a demo's folder was being removed made the
  // folder again, and served it for good.
  await mkdir(root, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT')
      throw new CzarError(
        'usage',
        `The state dir ${stateDir} does not exist, so there is no fleet to serve a network door for; "czar up" starts the door itself.`,
      );
    if (error.code !== 'EEXIST') throw error;
  });
  const release = await acquireLock(lockFile(stateDir), {
    timeoutMs: 0,
    heldError: (holder) => new CzarError('locked', `The fleet's network door already runs (pid ${holder.pid}).`),
  });
  // Socket paths are short relative to the door's folder: an absolute one may pass the 107 bytes a socket can name.
  process.chdir(root);
  const served = new Map<string, Served>();
  /** The latest entry asked of each worker, and when it is served (or failed). */
  const asked = new Map<string, { readonly serial: string; readonly done: Promise<void> }>();
  let chain = Promise.resolve();
  let stopping = false;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    watcher.close();
    clearInterval(timer);
    await chain;
    await Promise.all([...asked.values()].map((entry) => entry.done));
    for (const entry of served.values()) await letGo(entry);
    await release();
    finish();
  };
  // A launch writes twenty entries within a second, each a burst of folder events: a scan not begun yet covers them
  // all. An event that names its entry has that entry read, not every entry again; the periodic scan reads them all.
  let scanQueued = false;
  let scanAll = false;
  const named = new Set<string>();
  const scan = (_event?: string, file?: string | null): void => {
    if (typeof file !== 'string') scanAll = true;
    else if (file.endsWith('.json')) named.add(file);
    else return;
    if (scanQueued) return;
    scanQueued = true;
    chain = chain.then(async () => {
      scanQueued = false;
      const all = scanAll;
      const some = [...named];
      scanAll = false;
      named.clear();
      if (stopping) return;
      const names = all ? await readdir(root).catch(() => undefined) : some;
      // The state dir was removed (a purge): nothing is left to serve.
      if (names === undefined) return void stop();
      const entries = names.filter((file) => file.endsWith('.json'));
      const specs = await Promise.all(entries.map((name) => readSpec(path.join(root, name))));
      for (const [index, spec] of specs.entries()) {
        if (spec === undefined || `${spec.worker}.json` !== entries[index]) continue;
        const latest = asked.get(spec.worker);
        if (latest?.serial === spec.serial) continue;
        // Each worker's entry on its own, after its previous one: one worker's first sign-in round does not hold back
        // another's sockets. One that failed is tried again at the next scan.
        const done = (latest?.done ?? Promise.resolve())
          .then(async () => {
            if (stopping) return;
            const current = served.get(spec.worker);
            if (current !== undefined) await letGo(current);
            served.delete(spec.worker);
            served.set(spec.worker, await serve(stateDir, spec));
          })
          .catch(() => {
            if (asked.get(spec.worker)?.serial === spec.serial) asked.delete(spec.worker);
          });
        asked.set(spec.worker, { serial: spec.serial, done });
      }
    });
  };
  const timer = setInterval(scan, RESCAN_MS);
  const watcher = watch(root, scan);
  watcher.on('error', () => undefined);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => void stop());
  scan();
  await done;
}

async function readSpec(file: string): Promise<DoorSpec | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined || text.length > SPEC_MAX_BYTES ? undefined : doorSpecOf(jsonIn<unknown>(text));
}

/** Serves one worker's sockets after a first sign-in round (where the home wins), then says they listen. */
async function serve(stateDir: string, spec: DoorSpec): Promise<Served> {
  const credentials =
    spec.credentials === undefined ? undefined : await keepCredentialsInStep(spec.credentials, CREDENTIALS_EVERY_MS);
  const allowed = new Set(spec.allow);
  const said = new Set<string>();
  const rule = {
    allowed: (target: string) => allowed.has(target),
    refused: (target: string) => {
      if (said.has(target)) return;
      said.add(target);
      const owner = spec.owner ?? spec.worker;
      const what = owner === spec.worker ? target : `${target} (its reviewer)`;
      void writeBoxRefusal(statePaths(stateDir), owner, what).catch(() => undefined);
    },
  };
  await mkdir(spec.worker, { recursive: true, mode: 0o700 });
  const servers = await Promise.all([
    ...spec.loopbackPorts.map((port) =>
      serveEndpoint(path.join(spec.worker, doorSocketName(port)), `127.0.0.1:${port}`, rule),
    ),
    serveProxy(path.join(spec.worker, doorSocketName(spec.proxyPort)), rule),
  ]);
  await writeFile(path.join(spec.worker, 'ready'), spec.serial);
  return { serial: spec.serial, servers, credentials };
}

async function letGo(entry: Served): Promise<void> {
  for (const server of entry.servers) server.close();
  await entry.credentials?.stop();
}

/** When this process last started a door, per state dir: one still starting has not taken its lock yet. */
const started = new Map<string, number>();
/** Longer than a node start on a loaded machine: a door started this long ago without its lock has failed. */
const START_MS = 10_000;

/**
 * Starts the fleet's door unless one runs or this process started one a moment ago (twenty workers launched at once
 * ask together); another process's door started meanwhile finds the lock taken and exits.
 */
export async function keepFleetDoor(stateDir: string): Promise<void> {
  if ((await liveLockHolder(lockFile(stateDir))) !== undefined) return;
  if (Date.now() - (started.get(stateDir) ?? -Infinity) < START_MS) return;
  started.set(stateDir, Date.now());
  const [file = '', ...args] = czarCommand();
  spawnDetached(file, [...args, 'box-door', stateDir], { cwd: stateDir, env: doorEnv() });
}

/**
 * The door relays bytes and opens no TLS connection of its own, so it goes without the extra CA certificates Node
 * reads and parses at every start (a system bundle cost 90 ms of CPU each time here, during the launch it serves).
 */
function doorEnv(): Record<string, string> {
  const env = cleanEnv();
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/**
 * Whether the fleet's door runs: `none` while it serves no entry (no boxed worker was launched from this state dir),
 * else `up` while its process holds its lock and `down` once it died. What the czar's sources observe; `decide()`
 * says when to start it again.
 */
export async function fleetDoorState(stateDir: string): Promise<'none' | 'up' | 'down'> {
  const names = await readdir(netPath(stateDir)).catch(() => [] as string[]);
  if (!names.some((name) => name.endsWith('.json'))) return 'none';
  return (await liveLockHolder(lockFile(stateDir))) === undefined ? 'down' : 'up';
}

/** How long a launch waits for the door to serve a worker's sockets: the door's start plus a sign-in round. */
const READY_MS = 30_000;

/**
 * Asks the fleet's door to serve `spec` (starting the door when none runs) and returns once its sockets listen, so
 * the agent's first request never finds the door shut.
 */
export async function openNetDoor(stateDir: string, spec: DoorSpec): Promise<string> {
  mkdirSync(netPath(stateDir), { recursive: true, mode: 0o700 });
  await writeAtomic(specFile(stateDir, spec.worker), `${JSON.stringify(spec)}\n`);
  const deadline = Date.now() + READY_MS;
  for (let round = 0; Date.now() < deadline; round++) {
    if (round % 20 === 0) await keepFleetDoor(stateDir);
    if (readySerial(stateDir, spec.worker) === spec.serial) return path.join(netPath(stateDir), spec.worker);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new CzarError(
    'sandbox_unavailable',
    `The network door in ${netPath(stateDir)} did not open for worker "${spec.worker}" within ${READY_MS / 1000} s, so it was not started; run "czar box-door ${stateDir}" to see why, then "czar up" again.`,
  );
}

/**
 * What the door wrote when it served the worker's sockets, read with one blocking call: twenty launching workers poll
 * it together, and a promise read waits its turn in the thread pool behind the launch's other files.
 */
function readySerial(stateDir: string, worker: string): string {
  try {
    return readFileSync(readyFile(stateDir, worker), 'utf8');
  } catch {
    return '';
  }
}

/** Stops the fleet's door, if one runs, after its last sign-in rounds. */
export async function stopFleetDoor(stateDir: string): Promise<void> {
  const holder = await liveLockHolder(lockFile(stateDir));
  if (holder === undefined) return;
  try {
    process.kill(holder.pid, 'SIGTERM');
  } catch {
    return;
  }
  await awaitExit(holder.pid, 10_000);
}
