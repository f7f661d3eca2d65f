import path from 'node:path';
import type { PresetName } from './config-types.js';

/**
 * What a boxed worker may reach through its network door: its agent's model endpoint (every http(s) URL in its
 * environment and arguments, plus the vendor's own API hosts for the presets that have one) and its `allow_hosts:`.
 */

/** The vendor API hosts each preset talks to when no base URL points it elsewhere. */
const VENDOR_HOSTS: Partial<Record<PresetName, readonly string[]>> = {
  claude: ['api.anthropic.com:443'],
  codex: ['api.openai.com:443', 'chatgpt.com:443'],
  gemini: ['generativelanguage.googleapis.com:443'],
  qwen: ['dashscope.aliyuncs.com:443', 'dashscope-intl.aliyuncs.com:443'],
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const URL_PATTERN = /\bhttps?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?/g;

/** The targets (`host:port`) the door opens, and the loopback ports the box forwards to it as they are. */
export interface BoxNetwork {
  readonly allow: readonly string[];
  readonly loopbackPorts: readonly number[];
}

export function boxNetwork(preset: PresetName, texts: readonly string[], allowHosts: readonly string[]): BoxNetwork {
  const allow = new Set<string>([...(VENDOR_HOSTS[preset] ?? []), ...allowHosts]);
  const loopbackPorts = new Set<number>();
  for (const text of texts)
    for (const match of text.matchAll(URL_PATTERN)) {
      const host = (match[1] ?? '').toLowerCase();
      const port = Number(match[2] ?? (match[0].startsWith('https') ? 443 : 80));
      if (!(port > 0 && port < 65536)) continue;
      if (LOOPBACK.has(host)) {
        loopbackPorts.add(port);
        allow.add(`127.0.0.1:${port}`);
      } else allow.add(`${host}:${port}`);
    }
  return { allow: [...allow].sort(), loopbackPorts: [...loopbackPorts].sort((a, b) => a - b) };
}

/**
 * The settings files where an agent may name its model endpoint rather than in its environment (OpenCode's and
 * Kilo's provider `baseURL`, pi's `baseUrl`, Codex's `base_url`, Auggie's `tenantURL`), as the agent finds them: under its home, or where
 * its own variable moves them.
 */
export function endpointFiles(
  preset: PresetName,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string[] {
  return ENDPOINT_FILES[preset]?.(env, home, env.XDG_CONFIG_HOME ?? path.join(home, '.config')) ?? [];
}

type FilesOf = (env: Readonly<Record<string, string | undefined>>, home: string, xdg: string) => string[];

const ENDPOINT_FILES: Partial<Record<PresetName, FilesOf>> = {
  codex: (env, home) => [path.join(env.CODEX_HOME ?? path.join(home, '.codex'), 'config.toml')],
  pi: (env, home) => [path.join(env.PI_CODING_AGENT_DIR ?? path.join(home, '.pi', 'agent'), 'models.json')],
  opencode: (env, _home, xdg) => [
    ...['opencode.json', 'opencode.jsonc', 'config.json'].map((name) => path.join(xdg, 'opencode', name)),
    ...(env.OPENCODE_CONFIG === undefined ? [] : [env.OPENCODE_CONFIG]),
  ],
  kilo: (_env, _home, xdg) => ['kilo.json', 'kilo.jsonc', 'opencode.json'].map((name) => path.join(xdg, 'kilo', name)),
  claude: (env, home) => [path.join(env.CLAUDE_CONFIG_DIR ?? path.join(home, '.claude'), 'settings.json')],
  gemini: (_env, home) => [path.join(home, '.gemini', 'settings.json')],
  qwen: (_env, home) => [path.join(home, '.qwen', 'settings.json')],
  // Auggie's model calls go to its sign-in's Augment backend: the `tenantURL` of the session `auggie login` saved.
  auggie: (_env, home) => [path.join(home, '.augment', 'session.json')],
};

const BASE_URL_PATTERN = /["']?[a-z_]*(?:base|tenant)_?url["']?\s*[:=]\s*["']([^"'\s]{1,500})["']/gi;

/**
 * The model endpoints a settings file names: the values of its base-URL keys only (`baseURL`, `baseUrl`, `base_url`,
 * an `env` block's `*_BASE_URL`, an Augment session's `tenantURL`), in JSON, JSONC or TOML alike; other URLs in it (a
 * `$schema`, docs) open nothing.
 */
export function endpointsIn(text: string): string[] {
  return [...text.matchAll(BASE_URL_PATTERN)].flatMap((match) => (match[1] === undefined ? [] : [match[1]]));
}

/** The port the box's CONNECT proxy listens on: the first from 3128 that no endpoint takes. */
export function proxyPort(network: BoxNetwork): number {
  let port = 3128;
  while (network.loopbackPorts.includes(port)) port += 1;
  return port;
}

/** The environment that sends the agent's other traffic to the box's proxy, and its loopback endpoint past it. */
export function proxyEnv(port: number): Record<string, string> {
  const url = `http://127.0.0.1:${port}`;
  const direct = '127.0.0.1,localhost,::1';
  return {
    HTTPS_PROXY: url,
    HTTP_PROXY: url,
    https_proxy: url,
    http_proxy: url,
    NO_PROXY: direct,
    no_proxy: direct,
    NODE_USE_ENV_PROXY: '1',
  };
}

/**
 * One boxed worker's entry in the fleet's network door (`czar box-door`, one process for the fleet): whose door it is,
 * what it opens, which of its sockets carries which loopback port and which is the CONNECT proxy. `serial` is new at
 * each pane start, so the door picks the entry up again (its first sign-in sync, where the home wins) and says so.
 */
export interface DoorSpec {
  /** The entry's name: its sockets' folder. A worker's own box, or `<worker>.review` for its reviewer's. */
  readonly worker: string;
  /** Whose alert a refusal is, when the entry is not that worker's own box. */
  readonly owner?: string;
  readonly serial: string;
  readonly allow: readonly string[];
  readonly loopbackPorts: readonly number[];
  readonly proxyPort: number;
  /** The agent's sign-in files kept in step between the person's home and the worker's copy, under one lock. */
  readonly credentials?: CredentialSpec;
}

export interface CredentialSpec {
  readonly home: string;
  readonly copy: string;
  readonly files: readonly string[];
  readonly lock: string;
}

// Checked by hand, not with a schema: the door reads one at each boxed pane start, and loading the schema library
// was a quarter of a helper's start-up.
const isText = (value: unknown): value is string => typeof value === 'string';
const isTexts = (value: unknown): value is string[] => Array.isArray(value) && value.every(isText);
const isPort = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) > 0 && (value as number) < 65536;

/** `value` as a record holding every one of `names`, and nothing besides them and `optional`. */
function fields(
  value: unknown,
  names: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const known = keys.every((key) => names.includes(key) || optional.includes(key));
  return known && names.every((name) => keys.includes(name)) ? record : undefined;
}

/** A worker's entry as czar wrote it beside the door, or undefined for anything else. */
export function doorSpecOf(value: unknown): DoorSpec | undefined {
  const spec = fields(value, ['worker', 'serial', 'allow', 'loopbackPorts', 'proxyPort'], ['credentials', 'owner']);
  if (spec === undefined) return undefined;
  const { worker, owner, serial, allow, loopbackPorts, proxyPort, credentials } = spec;
  const sync = credentials === undefined ? undefined : credentialSpecOf(credentials);
  if (credentials !== undefined && sync === undefined) return undefined;
  return isText(worker) &&
    (owner === undefined || isText(owner)) &&
    isText(serial) &&
    isTexts(allow) &&
    Array.isArray(loopbackPorts) &&
    loopbackPorts.every(isPort) &&
    isPort(proxyPort) &&
    !loopbackPorts.includes(proxyPort)
    ? {
        worker,
        ...(owner === undefined ? {} : { owner }),
        serial,
        allow,
        loopbackPorts: loopbackPorts as number[],
        proxyPort,
        ...(sync === undefined ? {} : { credentials: sync }),
      }
    : undefined;
}

function credentialSpecOf(value: unknown): CredentialSpec | undefined {
  const spec = fields(value, ['home', 'copy', 'files', 'lock']);
  if (spec === undefined) return undefined;
  const { home, copy, files, lock } = spec;
  return isText(home) && isText(copy) && isTexts(files) && isText(lock) ? { home, copy, files, lock } : undefined;
}

/** The name of the socket that carries a box's loopback `port` (or its proxy's) out to the door. */
export function doorSocketName(port: number): string {
  return `${port}.sock`;
}

/** The port a door socket's name carries, or undefined for another file. */
export function portOfSocket(name: string): number | undefined {
  const match = /^(\d{1,5})\.sock$/.exec(name);
  const port = Number(match?.[1]);
  return isPort(port) ? port : undefined;
}

/**
 * What starts the agent inside its box: one `socat` per port, listening on the box's loopback and carrying each
 * connection to that port's socket of the door (a C program's start, where a node relay cost a second node start per
 * pane), then the agent in the pane's foreground in place of the shell. The script is a constant and every value (the
 * sockets' folder, the ports, the agent's argv) a positional argument, so nothing czar was given is ever parsed as
 * shell; the ports (numbers czar chose) are the only values in socat's address syntax, and the socket is named relative
 * to the folder, which socat is started in. Each listener gets a session of its own (`setsid`), so the keys that signal
 * the pane's foreground (Ctrl+C) reach the agent alone; the agent starts once every port listens, so its first request
 * is never refused. The shell knows that from the box's own `/proc/net/sockstat`: its network is new, so the TCP
 * sockets in use there are the listeners it started, and their count is one line the kernel keeps per namespace. It
 * reads it at once and then every 5 ms (for 5 s at most). `/proc/net/tcp` would name the ports, but any read of it
 * walks the kernel's whole table of connections (5 ms of a core on a machine of 24 GiB, once per box or more). The
 * agent may kill a listener or listen in its place: whatever it runs reaches the same sockets, which lead only to its
 * own door.
 */
const LAUNCHER = [
  'dir=$1; shift',
  'wanted=0',
  'while [ $# -gt 0 ] && [ "$1" != -- ]; do',
  '  (cd -- "$dir" && exec setsid socat "TCP-LISTEN:$1,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$1.sock") </dev/null >/dev/null 2>&1 &',
  '  wanted=$((wanted + 1))',
  '  shift',
  'done',
  'shift',
  'tries=0',
  'while [ $wanted -gt 0 ] && [ $tries -lt 1000 ]; do',
  '  listening=0',
  '  while read -r protocol _ count _; do [ "$protocol" = TCP: ] && listening=$count && break; done </proc/net/sockstat',
  '  [ "$listening" -ge $wanted ] 2>/dev/null && break',
  '  sleep 0.005',
  '  tries=$((tries + 1))',
  'done',
  'exec "$@"',
].join('\n');

/** The argv that runs `argv` in a box whose door sockets are seen at `sockets`, behind listeners on `ports`. */
export function boxLauncher(sockets: string, ports: readonly number[], argv: readonly string[]): string[] {
  return ['/bin/sh', '-c', LAUNCHER, 'czar-box', sockets, ...ports.map(String), '--', ...argv];
}
