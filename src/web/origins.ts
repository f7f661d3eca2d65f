import { networkInterfaces } from 'node:os';

const ANY = new Set(['0.0.0.0', '::', '']);

/** How a URL names a host: an IPv6 address in brackets. */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** This machine's addresses another device can reach (not loopback), IPv4 first. */
function outsideAddresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const outside = all.filter((address) => !address.internal);
  return [...outside.filter((a) => a.family === 'IPv4'), ...outside.filter((a) => a.family === 'IPv6')].map(
    (a) => a.address,
  );
}

/** The page's address to print: the given host, or for every interface the first one a phone can reach. */
export function pageUrl(host: string, port: number): string {
  const shown = ANY.has(host) ? (outsideAddresses()[0] ?? '127.0.0.1') : host;
  return `http://${urlHost(shown)}:${port}`;
}

/** Every origin the page may be loaded from, so its actions pass the Origin check and no other site's do. */
export function pageOrigins(host: string, port: number): ReadonlySet<string> {
  const hosts = ['127.0.0.1', 'localhost', '::1', host, ...(ANY.has(host) ? outsideAddresses() : [])];
  return new Set(hosts.filter((each) => !ANY.has(each)).map((each) => `http://${urlHost(each)}:${port}`));
}

/** Whether the server listens beyond this machine, so the person is told the token guards it. */
export function listensOutside(host: string): boolean {
  return !['127.0.0.1', 'localhost', '::1'].includes(host);
}
