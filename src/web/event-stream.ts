import type { ServerResponse } from 'node:http';

/** A comment line now and then keeps a phone's connection (and proxies between) from timing it out as idle. */
const KEEPALIVE_MS = 20_000;

/** Server-sent events to every open page: one `event:` and one JSON `data:` line per message. */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => {
      for (const client of this.clients) client.write(':\n\n');
    }, KEEPALIVE_MS);
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Opens the stream on `response` and sends it `initial` first (the page's whole state after a reconnect). */
  open(response: ServerResponse, initial: readonly { event: string; data: unknown }[]): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // A reconnecting EventSource waits this long (ms) before trying again.
    response.write('retry: 1000\n\n');
    for (const message of initial) response.write(frame(message.event, message.data));
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
  }

  send(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = frame(event, data);
    for (const client of this.clients) client.write(text);
  }

  close(): void {
    clearInterval(this.timer);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}

/** JSON never holds a raw newline, so one `data:` line carries the whole message. */
function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
