import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelEndpoint } from './model-endpoint.js';
import { tempDir } from './git-repo.js';

/**
 * The real agent CLIs, installed into a throwaway prefix by .ci/run (never globally):
 *   npm install --prefix ${TMPDIR:-/tmp}/czar-real-agents @anthropic-ai/claude-code @google/gemini-cli @openai/codex \
 *     @qwen-code/qwen-code @mariozechner/pi-coding-agent opencode-ai @github/copilot @kilocode/cli@7.7.7 \
 *     @augmentcode/auggie
 * and found through CZAR_REAL_AGENTS_DIR. Install them in one command: a later `npm install --no-save` of one
 * package into the same prefix removes the others (measured with npm 11). Each is started with a throwaway HOME and
 * pointed at a scripted model endpoint (model-endpoint.ts), so nothing reaches a real API. The settings are those
 * measured in docs of the field notes (real-agents-offline.md).
 */
export type RealAgent = 'claude' | 'codex' | 'gemini' | 'qwen' | 'pi' | 'opencode' | 'copilot' | 'kilo' | 'auggie';

export const REAL_AGENTS_DIR = process.env.CZAR_REAL_AGENTS_DIR ?? '/tmp/czar-real-agents';

/** The real-agent tests' own time limits grow with CZAR_TEST_TIMEOUT_SCALE, as waitFor's budgets do. */
export { TIMEOUT_SCALE as REAL_AGENT_TIMEOUT_SCALE } from './wait.js';

export function realAgentBin(name: RealAgent): string {
  return path.join(REAL_AGENTS_DIR, 'node_modules', '.bin', name);
}

/** '' when the CLI is installed, else a one-line skip reason for the test title. */
export function realAgentsMissing(name: RealAgent): string {
  return existsSync(realAgentBin(name)) ? '' : ` (skipped: ${realAgentBin(name)} not found; set CZAR_REAL_AGENTS_DIR)`;
}

/** A command line for one real agent, in the shape of a czar.yaml `agents:` entry. */
export interface RealAgentCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The throwaway HOME (Claude's transcripts, Gemini's chats live under it; Codex's CODEX_HOME too). */
  readonly home: string;
}

export interface RealAgentOptions {
  /** Allow the shell tool without a prompt (default true); false brings up the agent's real permission prompt. */
  readonly allowShell?: boolean;
  /**
   * A new user's settings: every trust prompt on and nothing trusted or approved ahead (Claude's API key, Gemini's
   * folder trust), only the sign-in a person does once in a terminal and the way to the scripted endpoint.
   */
  readonly newUser?: boolean;
  /** Sign in with the session file the agent's login saves in its home rather than a token in its env (Auggie). */
  readonly signInFile?: boolean;
}

const CLAUDE_KEY = 'sk-ant-api03-czar-test-dummy-key-0123456789abcdefghij';

/** Claude Code: onboarding done, the dummy key approved, Bash allowed; the folder-trust dialog is left to czar. */
export async function claudeAgent(endpoint: ModelEndpoint, options: RealAgentOptions = {}): Promise<RealAgentCommand> {
  const home = await tempDir('czar-claude-home-');
  await writeFile(
    path.join(home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      ...(options.newUser === true
        ? {}
        : { customApiKeyResponses: { approved: [CLAUDE_KEY.slice(-20)], rejected: [] } }),
    }),
  );
  await mkdir(path.join(home, '.claude'), { recursive: true });
  const permissions = options.allowShell === false ? {} : { permissions: { allow: ['Bash'] } };
  await writeFile(path.join(home, '.claude', 'settings.json'), JSON.stringify(permissions));
  return {
    command: realAgentBin('claude'),
    args: [],
    env: {
      HOME: home,
      ANTHROPIC_BASE_URL: endpoint.url,
      ANTHROPIC_API_KEY: CLAUDE_KEY,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      // A refused call ends the turn at once (its StopFailure hook fires) instead of Claude's own minutes of retries.
      CLAUDE_CODE_MAX_RETRIES: '0',
    },
    home,
  };
}

/**
 * Codex: a custom model provider (so no ChatGPT sign-in screen) on the Responses API, no approvals, no sandbox
 * (`allowShell: false`: asks first, in its workspace-write sandbox), no retries. The folder-trust dialog is left to czar.
 */
export async function codexAgent(endpoint: ModelEndpoint, options: RealAgentOptions = {}): Promise<RealAgentCommand> {
  // Outside the temp dir: Codex makes no links to its sandbox helper under it, and with a system bubblewrap older
  // than 0.9 (Debian 12's, no --argv0) its sandboxed commands start through those links.
  const home = await tempDir('czar-codex-home-', homedir());
  const codexHome = path.join(home, '.codex');
  await mkdir(codexHome, { recursive: true });
  const config = [
    'model = "fake-model"',
    'model_provider = "fake"',
    ...(options.allowShell === false
      ? ['approval_policy = "on-request"', 'sandbox_mode = "workspace-write"']
      : ['approval_policy = "never"', 'sandbox_mode = "danger-full-access"']),
    '[model_providers.fake]',
    'name = "Fake"',
    `base_url = "${endpoint.url}/v1"`,
    'wire_api = "responses"',
    'env_key = "FAKE_API_KEY"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ].join('\n');
  await writeFile(path.join(codexHome, 'config.toml'), config);
  return {
    command: realAgentBin('codex'),
    args: [],
    env: { HOME: home, CODEX_HOME: codexHome, FAKE_API_KEY: 'czar-test-dummy-key' },
    home,
  };
}

/**
 * Gemini CLI: API-key auth selected, folder trust off (so `--yolo` applies; on for a new user, and czar trusts the
 * worktree), no telemetry or update checks.
 */
export async function geminiAgent(endpoint: ModelEndpoint, options: RealAgentOptions = {}): Promise<RealAgentCommand> {
  const home = await tempDir('czar-gemini-home-');
  await mkdir(path.join(home, '.gemini'), { recursive: true });
  const trust = options.newUser === true ? {} : { folderTrust: { enabled: false } };
  const settings = {
    security: { auth: { selectedType: 'gemini-api-key' }, ...trust },
    privacy: { usageStatisticsEnabled: false },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
  };
  await writeFile(path.join(home, '.gemini', 'settings.json'), JSON.stringify(settings));
  return {
    command: realAgentBin('gemini'),
    args: options.allowShell === false ? [] : ['--yolo'],
    env: { HOME: home, GOOGLE_GEMINI_BASE_URL: endpoint.url, GEMINI_API_KEY: 'czar-test-dummy-gemini-key' },
    home,
  };
}

/**
 * Qwen Code on the scripted Chat Completions endpoint through its OpenAI auth (key, base URL and model from the env),
 * no auto-update or usage statistics; `--yolo` runs its shell tool without asking (its folder trust is off by default).
 */
export async function qwenAgent(endpoint: ModelEndpoint, options: RealAgentOptions = {}): Promise<RealAgentCommand> {
  const home = await tempDir('czar-qwen-home-');
  await mkdir(path.join(home, '.qwen'), { recursive: true });
  const settings = {
    security: { auth: { selectedType: 'openai' } },
    general: { enableAutoUpdate: false },
    privacy: { usageStatisticsEnabled: false },
  };
  await writeFile(path.join(home, '.qwen', 'settings.json'), JSON.stringify(settings));
  return {
    command: realAgentBin('qwen'),
    args: options.allowShell === false ? [] : ['--yolo'],
    env: {
      HOME: home,
      OPENAI_BASE_URL: `${endpoint.url}/v1`,
      OPENAI_API_KEY: 'czar-test-dummy-key',
      OPENAI_MODEL: 'fake-model',
    },
    home,
  };
}

/** pi: a custom provider on the scripted Chat Completions endpoint as its default model, offline (no fd or rg download). */
export async function piAgent(endpoint: ModelEndpoint): Promise<RealAgentCommand> {
  const home = await tempDir('czar-pi-home-');
  const agentDir = path.join(home, '.pi', 'agent');
  await mkdir(agentDir, { recursive: true });
  const models = {
    providers: {
      fake: {
        baseUrl: `${endpoint.url}/v1`,
        api: 'openai-completions',
        apiKey: 'FAKE_API_KEY',
        models: [{ id: 'fake-model' }],
      },
    },
  };
  await writeFile(path.join(agentDir, 'models.json'), JSON.stringify(models));
  await writeFile(
    path.join(agentDir, 'settings.json'),
    JSON.stringify({ defaultProvider: 'fake', defaultModel: 'fake-model' }),
  );
  return {
    command: realAgentBin('pi'),
    args: [],
    env: { HOME: home, FAKE_API_KEY: 'czar-test-dummy-key', PI_OFFLINE: '1' },
    home,
  };
}

/**
 * The provider block OpenCode and its fork Kilo share: the scripted Chat Completions endpoint as the model and the
 * title model, no sharing or update check (without it, every OpenCode start asks api.github.com for a newer release
 * and runs `npm list -g`, about 2 s of CPU). `allowShell: false` makes their `bash` tool ask first.
 */
function openCodeConfig(endpoint: ModelEndpoint, options: RealAgentOptions): Record<string, unknown> {
  return {
    provider: {
      fake: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Fake',
        options: { baseURL: `${endpoint.url}/v1`, apiKey: '{env:FAKE_API_KEY}' },
        models: { 'fake-model': { name: 'Fake Model' } },
      },
    },
    model: 'fake/fake-model',
    small_model: 'fake/fake-model',
    share: 'disabled',
    autoupdate: false,
    ...(options.allowShell === false ? { permission: { bash: 'ask' } } : {}),
  };
}

/**
 * OpenCode on `openCodeConfig`, without the models.dev fetch. Its config folder looks as after OpenCode's own first
 * start on a machine: it installs `@opencode-ai/plugin` there (about 100 s with the npm registry reachable) unless
 * `node_modules` exists and the lock file lists that package.
 */
export async function opencodeAgent(
  endpoint: ModelEndpoint,
  options: RealAgentOptions = {},
): Promise<RealAgentCommand> {
  const home = await tempDir('czar-opencode-home-');
  const configDir = path.join(home, '.config', 'opencode');
  await mkdir(path.join(configDir, 'node_modules'), { recursive: true });
  const lock = { packages: { '': { dependencies: { '@opencode-ai/plugin': '1.18.33' } } } };
  await writeFile(path.join(configDir, 'package-lock.json'), JSON.stringify(lock));
  await writeFile(path.join(configDir, 'opencode.json'), JSON.stringify(openCodeConfig(endpoint, options)));
  return {
    command: realAgentBin('opencode'),
    args: [],
    env: { HOME: home, FAKE_API_KEY: 'czar-test-dummy-key', OPENCODE_DISABLE_MODELS_FETCH: '1' },
    home,
  };
}

/**
 * GitHub Copilot CLI on the scripted Chat Completions endpoint as its own provider (BYOK, so no GitHub sign-in),
 * offline (no telemetry, web tools, GitHub MCP server or update check: each start ten times faster, measured).
 * `--yolo` runs its tools without asking; without it each command asks. Its folder trust is left to czar, and its
 * unpacked binary goes to the shared cache czar names, not under this HOME.
 */
export async function copilotAgent(endpoint: ModelEndpoint, options: RealAgentOptions = {}): Promise<RealAgentCommand> {
  const home = await tempDir('czar-copilot-home-');
  return {
    command: realAgentBin('copilot'),
    args: options.allowShell === false ? [] : ['--yolo'],
    env: {
      HOME: home,
      COPILOT_PROVIDER_BASE_URL: `${endpoint.url}/v1`,
      COPILOT_PROVIDER_API_KEY: 'czar-test-dummy-key',
      COPILOT_MODEL: 'fake-model',
      COPILOT_OFFLINE: 'true',
    },
    home,
  };
}

/**
 * Kilo, an OpenCode fork: `openCodeConfig` in `~/.config/kilo/kilo.json`, without the models fetch (its own `kilo`
 * and `apertis` providers still try, and fail offline) or codebase indexing. `--auto` approves every command its
 * `code` agent would ask about. Measured with 7.7.7 here, that agent ran `echo`, `git add` and `git commit` without
 * asking, so `allowShell: false` sets `bash` to ask, as for OpenCode.
 */
export async function kiloAgent(endpoint: ModelEndpoint, options: RealAgentOptions = {}): Promise<RealAgentCommand> {
  const home = await tempDir('czar-kilo-home-');
  const configDir = path.join(home, '.config', 'kilo');
  await mkdir(configDir, { recursive: true });
  await writeFile(path.join(configDir, 'kilo.json'), JSON.stringify(openCodeConfig(endpoint, options)));
  return {
    command: realAgentBin('kilo'),
    args: options.allowShell === false ? [] : ['--auto'],
    env: {
      HOME: home,
      FAKE_API_KEY: 'czar-test-dummy-key',
      KILO_DISABLE_MODELS_FETCH: '1',
      KILO_DISABLE_CODEBASE_INDEXING: '1',
    },
    home,
  };
}

/**
 * Auggie signed in to the scripted endpoint as its Augment backend (`augment-backend.ts`): a session with the endpoint
 * as its tenant, in the env as `auggie token print` gives one, or (`signInFile`) in `~/.augment/session.json` as
 * `auggie login` saves it; no update check. Its onboarding and indexing screens are left to czar. It runs commands
 * without asking; `allowShell: false` makes `launch-process` ask first.
 */
export async function auggieAgent(endpoint: ModelEndpoint, options: RealAgentOptions = {}): Promise<RealAgentCommand> {
  const home = await tempDir('czar-auggie-home-');
  const session = JSON.stringify({
    accessToken: 'czar-test-dummy-token',
    tenantURL: `${endpoint.url}/`,
    scopes: ['email'],
  });
  if (options.signInFile === true) {
    await mkdir(path.join(home, '.augment'), { recursive: true });
    await writeFile(path.join(home, '.augment', 'session.json'), session);
  }
  return {
    command: realAgentBin('auggie'),
    args: options.allowShell === false ? ['--permission', 'launch-process:ask-user'] : [],
    env: {
      HOME: home,
      ...(options.signInFile === true ? {} : { AUGMENT_SESSION_AUTH: session }),
      AUGMENT_DISABLE_AUTO_UPDATE: '1',
    },
    home,
  };
}

export const REAL_AGENT_BUILDERS: Readonly<
  Record<RealAgent, (endpoint: ModelEndpoint, options?: RealAgentOptions) => Promise<RealAgentCommand>>
> = {
  claude: claudeAgent,
  codex: codexAgent,
  gemini: geminiAgent,
  qwen: qwenAgent,
  pi: piAgent,
  opencode: opencodeAgent,
  copilot: copilotAgent,
  kilo: kiloAgent,
  auggie: auggieAgent,
};
