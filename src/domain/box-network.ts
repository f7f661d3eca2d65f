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

/** The targets (`host:port`) the door opens, and the loopback ports the relay forwards as they are. */
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
 * Kilo's provider `baseURL`, pi's `baseUrl`, Codex's `base_url`), as the agent finds them: under its home, or where
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
};

const BASE_URL_PATTERN = /["']?[a-z_]*base_?url["']?\s*[:=]\s*["']([^"'\s]{1,500})["']/gi;

/**
 * The model endpoints a settings file names: the values of its base-URL keys only (`baseURL`, `baseUrl`, `base_url`,
 * an `env` block's `*_BASE_URL`), in JSON, JSONC or TOML alike; other URLs in it (a `$schema`, docs) open nothing.
 */
export function endpointsIn(text: string): string[] {
  return [...text.matchAll(BASE_URL_PATTERN)].flatMap((match) => (match[1] === undefined ? [] : [match[1]]));
}

/** The port the relay's CONNECT proxy listens on inside the box: the first from 3128 that no endpoint takes. */
export function proxyPort(network: BoxNetwork): number {
  let port = 3128;
  while (network.loopbackPorts.includes(port)) port += 1;
  return port;
}

/** The environment that sends the agent's other traffic to the relay's proxy, and its loopback endpoint past it. */
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

/** What `czar box-door` runs with, around the box: whose door, where, what it opens, where a refusal is said. */
export interface DoorSpec {
  readonly worker: string;
  readonly socket: string;
  readonly allow: readonly string[];
  /** czar's state dir: a refusal goes into the worker's report stream as a refused report, one alert line. */
  readonly stateDir: string;
  readonly argv: readonly string[];
  /** The agent's sign-in files kept in step between the person's home and the worker's copy, under one lock. */
  readonly credentials?: CredentialSpec;
}

export interface CredentialSpec {
  readonly home: string;
  readonly copy: string;
  readonly files: readonly string[];
  readonly lock: string;
}

/** What `czar box-relay` runs with, inside the box, around the agent. */
export interface RelaySpec {
  readonly socket: string;
  readonly ports: readonly number[];
  readonly proxyPort: number;
  readonly argv: readonly string[];
}

// Checked by hand, not with a schema: both run in every boxed pane before its agent starts, and loading the schema
// library was a quarter of their start-up.
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

/** The door's spec as czar wrote it into the pane, or undefined for anything else. */
export function doorSpecOf(value: unknown): DoorSpec | undefined {
  const spec = fields(value, ['worker', 'socket', 'allow', 'stateDir', 'argv'], ['credentials']);
  if (spec === undefined) return undefined;
  const { worker, socket, allow, stateDir, argv, credentials } = spec;
  const sync = credentials === undefined ? undefined : credentialSpecOf(credentials);
  if (credentials !== undefined && sync === undefined) return undefined;
  return isText(worker) && isText(socket) && isTexts(allow) && isText(stateDir) && isTexts(argv) && argv.length > 0
    ? { worker, socket, allow, stateDir, argv, ...(sync === undefined ? {} : { credentials: sync }) }
    : undefined;
}

function credentialSpecOf(value: unknown): CredentialSpec | undefined {
  const spec = fields(value, ['home', 'copy', 'files', 'lock']);
  if (spec === undefined) return undefined;
  const { home, copy, files, lock } = spec;
  return isText(home) && isText(copy) && isTexts(files) && isText(lock) ? { home, copy, files, lock } : undefined;
}

/** The relay's spec as czar wrote it into the box's command line, or undefined for anything else. */
export function relaySpecOf(value: unknown): RelaySpec | undefined {
  const spec = fields(value, ['socket', 'ports', 'proxyPort', 'argv']);
  if (spec === undefined) return undefined;
  const { socket, ports, proxyPort, argv } = spec;
  return isText(socket) &&
    Array.isArray(ports) &&
    ports.every(isPort) &&
    isPort(proxyPort) &&
    isTexts(argv) &&
    argv.length > 0
    ? { socket, ports: ports as number[], proxyPort, argv }
    : undefined;
}

/** The alert line a refused connection gives its worker, once per target. */
export function refusalLine(worker: string, target: string): string {
  return `the box of ${worker} refused a connection to ${target}: it is neither its agent's model endpoint nor in its sandbox.allow_hosts; add it there if the worker needs it`;
}
