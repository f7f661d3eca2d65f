import { rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * The sockets of a boxed worker's network door. The box has no network (its own namespace, loopback only); inside,
 * socat listens on each forwarded loopback port and carries every connection to that port's unix socket, bound in from
 * outside. Outside, the door serves each socket knowing whose it is and what it leads to from the socket alone, never
 * from bytes the worker sends: a model endpoint's port opens that endpoint, and the proxy's port reads an HTTP CONNECT
 * and opens its target only when it is allowed.
 */

/** Whether a target may be opened; told the refused ones. */
export interface DoorRule {
  allowed(target: string): boolean;
  refused(target: string): void;
}

const HEADERS_MAX = 8192;

/**
 * Carries bytes both ways. A side that closes ends the other once what it wrote is flushed (an answer followed at once
 * by the server's close still reaches the agent whole); a side that fails takes the other down with it.
 */
function pipeBoth(a: Socket, b: Socket, rest: Buffer): void {
  if (rest.length > 0) b.write(rest);
  a.pipe(b);
  b.pipe(a);
  a.resume();
  const fail = (): void => {
    a.destroy();
    b.destroy();
  };
  a.once('error', fail).once('close', () => b.end());
  b.once('error', fail).once('close', () => a.end());
}

/** Connects `inside` to `target` (`host:port`), then `onOpen`; a target that does not answer closes `inside`. */
function open(inside: Socket, target: string, onOpen: (outside: Socket) => void): void {
  const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(target);
  if (match === null) return void inside.destroy();
  const outside = connect(Number(match[2]), (match[1] ?? '').replace(/^\[|\]$/g, ''));
  outside.once('connect', () => onOpen(outside));
  outside.once('error', () => inside.destroy());
}

async function listen(socketPath: string, onConnection: (inside: Socket) => void): Promise<Server> {
  await rm(socketPath, { force: true });
  const server = createServer({ pauseOnConnect: true }, onConnection);
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  return server;
}

/** A socket leading to one loopback model endpoint (`127.0.0.1:port`), byte for byte. */
export function serveEndpoint(socketPath: string, target: string, rule: DoorRule): Promise<Server> {
  return listen(socketPath, (inside) => {
    inside.on('error', () => undefined);
    if (!rule.allowed(target)) {
      rule.refused(target);
      return void inside.destroy();
    }
    open(inside, target, (outside) => pipeBoth(inside, outside, Buffer.alloc(0)));
  });
}

/** The end of an HTTP request's headers in `seen`, or -1. */
const headersEnd = (seen: Buffer): number => {
  const end = seen.indexOf('\r\n\r\n');
  return end < 0 ? end : end + 4;
};

/** A socket serving as the box's HTTP CONNECT proxy (what HTTPS_PROXY names): it opens allowed targets only. */
export function serveProxy(socketPath: string, rule: DoorRule): Promise<Server> {
  return listen(socketPath, (inside) => {
    inside.on('error', () => undefined);
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const end = headersEnd(seen);
      if (end < 0 && seen.length < HEADERS_MAX) return;
      inside.off('data', onData);
      inside.pause();
      const line = seen.subarray(0, Math.max(0, seen.indexOf('\r\n'))).toString('latin1');
      const target = end < 0 ? undefined : /^CONNECT (\S+:\d{1,5}) HTTP\/1\.[01]$/.exec(line)?.[1];
      if (target === undefined) return void inside.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
      if (!rule.allowed(target)) {
        rule.refused(target);
        return void inside.end('HTTP/1.1 403 Forbidden\r\n\r\nczar: this box may not reach that host\r\n');
      }
      open(inside, target, (outside) => {
        inside.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        pipeBoth(inside, outside, seen.subarray(end));
      });
    };
    inside.on('data', onData);
    inside.resume();
  });
}
