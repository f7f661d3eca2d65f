import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { openNetDoor, stopFleetDoor } from '../src/adapters/fleet-door.js';
import { boxLauncher, proxyPort } from '../src/domain/model/box-network.js';
import { boxArgv, netPath } from '../src/domain/model/box.js';
import { benchRepo, median, ms, percentile, row } from './harness.js';
import { czarLaunch } from './launch.js';

const RUNS = 5;
const REQUESTS = 400;
const BWRAP = '/usr/bin/bwrap';
const SOCAT = '/usr/bin/socat';

/**
 * The client both ways: `REQUESTS` model requests (after 20 to warm up), each on a connection of its own (the door's
 * worst case: every connection crosses socat, the unix socket and the door), printing each one's time in ms.
 */
const CLIENT = `
const http = require('node:http');
const [port, count] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: false });
const one = () => new Promise((resolve, reject) => {
  const request = http.request({ host: '127.0.0.1', port, path: '/v1/messages', method: 'POST', agent }, (response) => {
    response.resume();
    response.on('end', resolve);
  });
  request.on('error', reject);
  request.end('{"model":"bench","messages":[]}');
});
(async () => {
  const times = [];
  for (let i = 0; i < count + 20; i++) {
    const start = performance.now();
    await one();
    if (i >= 20) times.push(performance.now() - start);
  }
  process.stdout.write(JSON.stringify(times));
})();
`;

function output(argv: readonly string[]): Promise<string> {
  const [file = '', ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${file} exited with ${code}`))));
  });
}

/**
 * A model request to a loopback endpoint, straight and through a box's network door as czar builds it: the client in
 * a bubblewrap box with no network (socat forwarding the endpoint's port inside, `boxLauncher`), the fleet's door
 * (`czar box-door`) outside.
 */
async function doorCost(): Promise<{ direct: number[]; door: number[] }> {
  const server = createServer((_request, response) => response.end('{"content":[{"type":"text","text":"pong"}]}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('bench: no port');
  const port = address.port;
  const { root, cleanup } = benchRepo('door');
  const stateDir = path.join(root, '.czar');
  try {
    const client = path.join(root, 'client.cjs');
    writeFileSync(client, CLIENT);
    const clientArgv = [process.execPath, client, String(port), String(REQUESTS)];
    const network = { allow: [`127.0.0.1:${port}`], loopbackPorts: [port] };
    const proxy = proxyPort(network);
    const sockets = await openNetDoor(stateDir, {
      worker: 'bench',
      serial: 'bench',
      allow: network.allow,
      loopbackPorts: network.loopbackPorts,
      proxyPort: proxy,
    });
    const box = boxArgv(BWRAP, {
      folder: path.join(root, 'repo'),
      stateDir,
      sockets,
      home: path.join(root, 'home'),
      readable: [root, path.dirname(path.dirname(process.execPath))],
      hidden: [],
      writable: [],
      env: {},
      argv: boxLauncher(netPath(stateDir), [port, proxy], clientArgv),
    });
    const direct: number[] = [];
    const through: number[] = [];
    // Alternated, so that machine noise hits both alike.
    for (let run = 0; run < 2; run++) {
      direct.push(...(JSON.parse(await output(clientArgv)) as number[]));
      through.push(...(JSON.parse(await output(box)) as number[]));
    }
    return { direct, door: through };
  } finally {
    server.close();
    await stopFleetDoor(stateDir);
    cleanup();
  }
}

/** `npm run bench -- sandbox`: what a box costs a launch and a model request, against no box in the same run. */
export async function benchSandbox(say: (line: string) => void): Promise<void> {
  if (!existsSync(BWRAP) || !existsSync(SOCAT)) {
    say(`sandbox: skipped, ${BWRAP} or ${SOCAT} is not installed`);
    return;
  }
  const plain: number[] = [];
  const boxed: number[] = [];
  // Alternated, each kind first every other run: what one run leaves the machine to do (its folder's removal among
  // it) falls on both kinds alike.
  for (let run = 0; run < RUNS; run++) {
    const launches = [
      () => plain.push(czarLaunch(run).submitted),
      () => boxed.push(czarLaunch(run, 'sandbox: required\n').submitted),
    ];
    for (const launch of run % 2 === 0 ? launches : launches.reverse()) launch();
  }
  const plainMs = median(plain);
  const boxedMs = median(boxed);
  say(
    `sandbox: launch of 20 simulated workers, median of ${RUNS} runs each (unboxed: ${plain.map(ms).join(', ')}; boxed: ${boxed.map(ms).join(', ')})`,
  );
  say(row('czar up --detach, unboxed (baseline)', ms(plainMs), 'n/a', true));
  say(row('czar up --detach, every worker boxed', ms(boxedMs), 'n/a', true));
  say(row('ratio boxed / unboxed', `${(boxedMs / plainMs).toFixed(2)}x`, '<= 1.1x', boxedMs / plainMs <= 1.1));

  const { direct, door } = await doorCost();
  const at = (values: number[], p: number): string => `${percentile(values, p).toFixed(2)} ms`;
  say(
    `sandbox: ${direct.length} model requests to a loopback endpoint, each on a new connection, straight and through the network door`,
  );
  say(row('straight, p50 (baseline)', at(direct, 50), 'n/a', true));
  say(row('straight, p95 (baseline)', at(direct, 95), 'n/a', true));
  say(row('through the door, p50', at(door, 50), 'n/a', true));
  say(row('through the door, p95', at(door, 95), 'n/a', true));
  const added = percentile(door, 95) - percentile(direct, 95);
  say(row('added by the door at p95', `${added.toFixed(2)} ms`, '< 5 ms', added < 5));
  say(row('added by the door at p50', `${(percentile(door, 50) - percentile(direct, 50)).toFixed(2)} ms`, 'n/a', true));
}
