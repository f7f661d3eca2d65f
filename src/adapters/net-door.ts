import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A boxed worker's network door. The box has no network (its own namespace, loopback only); inside, a relay listens
 * on loopback and carries each connection over one unix socket bound in from outside, naming its target on a first
 * line (`host:port`). Outside, the door opens only targets it allows, so the worker reaches its agent's model endpoint
 * and its `allow_hosts:`, and nothing else. Both halves run in the worker's pane: czar's door around the box, the
 * relay inside it around the agent.
 */

const FIRST_LINE_MAX = 300;

/** Reads the first line of a connection (the target or the answer), keeping what came after it. */
function firstLine(socket: Socket): Promise<{ line: string; rest: Buffer } | undefined> {
  return new Promise((resolve) => {
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const end = seen.indexOf(10);
      if (end < 0 && seen.length < FIRST_LINE_MAX) return;
      socket.off('data', onData);
      socket.pause();
      resolve(end < 0 ? undefined : { line: seen.subarray(0, end).toString('latin1'), rest: seen.subarray(end + 1) });
    };
    socket.on('data', onData);
    socket.once('error', () => resolve(undefined));
    socket.once('end', () => resolve(undefined));
  });
}

function pipeBoth(a: Socket, b: Socket, rest: Buffer): void {
  if (rest.length > 0) b.write(rest);
  a.pipe(b);
  b.pipe(a);
  a.resume();
  const close = (): void => {
    a.destroy();
    b.destroy();
  };
  a.once('error', close).once('close', close);
  b.once('error', close).once('close', close);
}

/** Outside the box: the door on `socketPath`, opening the targets `allowed` says yes to; `refused` hears the rest. */
export async function serveDoor(
  socketPath: string,
  allowed: (target: string) => boolean,
  refused: (target: string) => void,
): Promise<Server> {
  await rm(socketPath, { force: true });
  const server = createServer((inside) => {
    void firstLine(inside).then((first) => {
      const match = first === undefined ? null : /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(first.line);
      if (first === undefined || match === null) return inside.destroy();
      const target = first.line;
      if (!allowed(target)) {
        refused(target);
        return inside.end('NO\n');
      }
      const host = (match[1] ?? '').replace(/^\[|\]$/g, '');
      const outside = connect(Number(match[2]), host);
      outside.once('connect', () => {
        inside.write('OK\n');
        pipeBoth(inside, outside, first.rest);
      });
      outside.once('error', () => inside.destroy());
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  return server;
}

/** Inside the box: a connection to `target` through the door, ready to carry bytes once it answers OK. */
function throughDoor(
  socketPath: string,
  target: string,
  onOpen: (door: Socket, rest: Buffer) => void,
  onFail: () => void,
): void {
  const door = connect(socketPath);
  door.once('error', onFail);
  door.once('connect', () => {
    door.write(`${target}\n`);
    void firstLine(door).then((answer) => {
      if (answer?.line === 'OK') onOpen(door, answer.rest);
      else {
        door.destroy();
        onFail();
      }
    });
  });
}

/**
 * Inside the box: each loopback port of a model endpoint forwarded through the door as it is, and an HTTP CONNECT
 * proxy on `proxyPort` (what HTTPS_PROXY names) for everything else.
 */
export async function serveRelay(socketPath: string, ports: readonly number[], proxyPort: number): Promise<Server[]> {
  const servers = ports.map((port) =>
    createServer((local) => {
      local.pause();
      throughDoor(
        socketPath,
        `127.0.0.1:${port}`,
        (door, rest) => pipeBoth(local, door, rest),
        () => local.destroy(),
      );
    }).listen(port, '127.0.0.1'),
  );
  const proxy = createServer((local) => {
    void firstLine(local).then((request) => {
      const target = request === undefined ? null : /^CONNECT (\S+:\d+) HTTP\/1\.[01]$/.exec(request.line.trim());
      if (request === undefined || target?.[1] === undefined)
        return local.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
      // The rest of the request's headers end at an empty line; nothing follows them before the answer.
      throughDoor(
        socketPath,
        target[1],
        (door) => {
          local.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          pipeBoth(local, door, Buffer.alloc(0));
        },
        () => local.end('HTTP/1.1 403 Forbidden\r\n\r\nczar: this box may not reach that host\r\n'),
      );
    });
  }).listen(proxyPort, '127.0.0.1');
  await Promise.all([...servers, proxy].map((server) => new Promise((resolve) => server.once('listening', resolve))));
  return [...servers, proxy];
}

/**
 * Runs the program in the pane's terminal and resolves with its exit status. The keys a person types that signal the
 * whole foreground group (Ctrl+C, Ctrl+\) are the program's business: this process ignores them.
 */
export function runInTerminal(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  for (const signal of ['SIGINT', 'SIGQUIT', 'SIGTSTP'] as const) process.on(signal, () => undefined);
  const [file = '', ...args] = argv;
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'inherit', env });
    child.once('error', () => resolve(127));
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
    process.once('SIGHUP', () => child.kill('SIGHUP'));
    process.once('SIGTERM', () => child.kill('SIGTERM'));
  });
}
