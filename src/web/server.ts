import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadPage } from '../adapters/web-page.js';
import { CzarError } from '../domain/model/errors.js';
import { act, parseAction } from './actions.js';
import { actingRefusal, readToken, tokenMatches } from './auth.js';
import { EventStream } from './event-stream.js';
import { FleetFeed } from './fleet-feed.js';
import { pageOrigins, pageUrl } from './origins.js';
import { workerDetail } from './worker-detail.js';

/** The most an action's body may hold: a message is bounded further by the czar's own request checks. */
const MAX_BODY_BYTES = 256 * 1024;

export interface WebServer {
  /** The page's address with its token: what the person opens. */
  readonly url: string;
  readonly port: number;
  /** Pages open right now (event streams). */
  readonly viewers: () => number;
  close(): Promise<void>;
}

/**
 * Serves every registered fleet to a browser: one page, an event stream of fleet statuses, a worker's detail, and
 * actions. Every request needs the token; an action needs it in a header and must come from the page's own origin.
 */
export async function startWebServer(options: { host: string; port: number; token: string }): Promise<WebServer> {
  const { token } = options;
  const page = await loadPage();
  const stream = new EventStream();
  const feed = new FleetFeed((change) =>
    change.kind === 'fleet' ? stream.send('fleet', change.fleet) : stream.send('gone', { id: change.id }),
  );
  await feed.start();
  let origins: ReadonlySet<string> = new Set();
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { ok: false, message: `czar web failed: ${String(error)}` });
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://czar.invalid');
    if (!tokenMatches(token, readToken(request, url))) {
      send(response, 401, {
        ok: false,
        message: 'This request has no valid token; open the URL czar web printed (it ends in ?token=...).',
      });
      return;
    }
    const route = `${request.method ?? 'GET'} ${url.pathname}`;
    if (route === 'GET /') return servePage(response);
    if (route === 'GET /events')
      return stream.open(
        response,
        feed.views().map((view) => ({ event: 'fleet', data: view })),
      );
    if (route === 'GET /api/worker') return serveDetail(url, response);
    if (route === 'POST /api/action') return serveAction(request, response);
    send(response, 404, { ok: false, message: `czar web has no ${route}; open the page at /.` });
  }

  function servePage(response: ServerResponse): void {
    const nonce = randomBytes(16).toString('base64');
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The token is in the address: no other site learns it from a Referer.
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    });
    response.end(page(nonce));
  }

  async function serveDetail(url: URL, response: ServerResponse): Promise<void> {
    const id = url.searchParams.get('fleet') ?? '';
    const name = url.searchParams.get('worker') ?? '';
    const entry = feed.entry(id);
    const worker = feed
      .views()
      .find((view) => view.id === id)
      ?.status?.workers.find((each) => each.name === name);
    if (entry === undefined || worker === undefined) {
      send(response, 404, { ok: false, message: `No worker ${JSON.stringify(name)} in fleet ${JSON.stringify(id)}.` });
      return;
    }
    send(response, 200, await workerDetail(entry, worker));
  }

  async function serveAction(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refusal = actingRefusal(request, token, origins);
    if (refusal !== undefined) return send(response, refusal.code, { ok: false, message: refusal.message });
    const body = await readBody(request);
    const action = body === undefined ? 'The action is over 256 KiB; send a shorter message.' : parseAction(body);
    if (typeof action === 'string') return send(response, 400, { ok: false, message: action });
    const view = feed.views().find((each) => each.id === action.fleet);
    const entry = feed.entry(action.fleet);
    if (view === undefined || entry === undefined)
      return send(response, 404, { ok: false, message: `No fleet ${JSON.stringify(action.fleet)} is registered.` });
    const outcome = await act(action, { ...view, stateDir: entry.stateDir });
    send(response, outcome.code, outcome.result);
  }

  const port = await listen(server, options);
  origins = pageOrigins(options.host, port);
  const url = `${pageUrl(options.host, port)}/?token=${token}`;
  return {
    url,
    port,
    viewers: () => stream.size,
    async close() {
      stream.close();
      await feed.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(response: ServerResponse, code: number, value: unknown): void {
  response.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(value));
}

/** The body as text, or undefined when it runs over the bound (the rest is not read). */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server, options: { host: string; port: number }): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, options)));
    server.listen(options.port, options.host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function listenError(error: NodeJS.ErrnoException, options: { host: string; port: number }): CzarError {
  if (error.code === 'EADDRINUSE')
    return new CzarError(
      'web_port',
      `Port ${options.port} on ${options.host} is in use; choose another with --port, or leave --port out for a free one.`,
    );
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return new CzarError(
      'web_host',
      `--host ${options.host} is not an address of this machine; give one of its addresses (0.0.0.0 for all), or leave --host out for 127.0.0.1.`,
    );
  if (error.code === 'EACCES')
    return new CzarError('web_port', `Port ${options.port} needs privileges; choose one above 1023 with --port.`);
  return new CzarError('web_listen', `czar web could not listen on ${options.host}:${options.port}: ${error.message}.`);
}
