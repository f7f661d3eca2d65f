import path from 'node:path';
import * as z from 'zod';
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
export const doorSpecSchema = z.strictObject({
  worker: z.string(),
  socket: z.string(),
  allow: z.array(z.string()),
  /** czar's state dir: a refusal goes into the worker's report stream as a refused report, one alert line. */
  stateDir: z.string(),
  argv: z.array(z.string()).min(1),
  /** The agent's sign-in files kept in step between the person's home and the worker's copy, under one lock. */
  credentials: z
    .strictObject({ home: z.string(), copy: z.string(), files: z.array(z.string()), lock: z.string() })
    .optional(),
});
export type DoorSpec = z.infer<typeof doorSpecSchema>;

/** What `czar box-relay` runs with, inside the box, around the agent. */
export const relaySpecSchema = z.strictObject({
  socket: z.string(),
  ports: z.array(z.number().int()),
  proxyPort: z.number().int(),
  argv: z.array(z.string()).min(1),
});
export type RelaySpec = z.infer<typeof relaySpecSchema>;

/** The alert line a refused connection gives its worker, once per target. */
export function refusalLine(worker: string, target: string): string {
  return `the box of ${worker} refused a connection to ${target}: it is neither its agent's model endpoint nor in its sandbox.allow_hosts; add it there if the worker needs it`;
}
