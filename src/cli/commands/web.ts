import { renderUnicodeCompact } from 'uqr';
import { listensOutside } from '../../web/origins.js';
import { outOfRange, parse, usageError, type Command } from '../command.js';
import { err, out } from '../output.js';

/** `czar web`: every running fleet of this user, live in a browser or on a phone, behind a token. */
export const webCommand: Command = {
  name: 'web',
  summary: 'serve a live page of every running fleet of this user (token-protected; a phone scans the QR code)',
  usage: 'czar web [--port N] [--host H] [--new-token]',
  async run(args) {
    const { values } = parse(
      this,
      args,
      { port: { type: 'string', short: 'p' }, host: { type: 'string' }, 'new-token': { type: 'boolean' } },
      0,
    );
    const port = values.port === undefined ? 0 : Number(values.port);
    const ports = 'a port number from 0 to 65535 (0 takes a free one), e.g. --port 8080';
    if (values.port !== undefined && !/^-?[0-9]+$/.test(values.port))
      throw usageError(this, `--port ${JSON.stringify(values.port)} is not a port number; give ${ports}`);
    if (values.port !== undefined && !(port >= 0 && port <= 65535))
      throw outOfRange(this, '--port', values.port, ports);
    const host = values.host ?? '127.0.0.1';
    const { startWebServer } = await import('../../web/server.js');
    const { webToken } = await import('../../adapters/registry.js');
    const server = await startWebServer({ host, port, token: await webToken(values['new-token'] === true) });
    // The first line is the URL alone, so a script (or a test) can read it.
    out(server.url);
    out(renderUnicodeCompact(server.url));
    if (listensOutside(host))
      err(
        `czar web listens on ${host}, reachable from other machines: every request needs the token in the URL above (always required), so share it only with devices you trust.`,
      );
    err(
      'Open the URL above; it stays good when czar web starts again (--new-token retires it). Ctrl-C stops czar web (the fleets keep running).',
    );
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
    });
    await server.close();
    return 0;
  },
};
