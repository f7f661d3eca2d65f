import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { onTestFinished } from 'vitest';

/** A port on this machine's loopback that a boxed process may not reach, and whether anything reached it. */
export async function watchedPort(): Promise<{ port: number; reached: () => boolean }> {
  let reached = false;
  const server = createServer((socket) => {
    reached = true;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, reached: () => reached };
}

/** A stand-in for a model endpoint on this machine's loopback: it answers "pong". */
export async function modelEndpoint(): Promise<number> {
  const server = createHttpServer((_request, response) => response.end('pong'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
