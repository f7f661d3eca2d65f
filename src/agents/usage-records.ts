import path from 'node:path';
import type { PresetName } from '../domain/config-types.js';
import type { UsageFormat } from '../domain/usage.js';
import { claudeUsageParser } from './claude-usage.js';
import { codexUsageParser } from './codex-usage.js';
import { geminiUsageParser } from './gemini-usage.js';
import { piUsageParser } from './pi-usage.js';
import { qwenUsageParser } from './qwen-usage.js';
import {
  claudePrompt,
  codexPrompt,
  geminiPrompt,
  piPrompt,
  qwenPrompt,
  type PromptParser,
} from './recorded-prompts.js';

/**
 * Where an agent keeps its own usage records, as places to look (the usage source lists them):
 * - `claude`: session transcripts in these folders, each with its subagents' transcripts under `<session>/subagents/`
 *   (Qwen Code and pi keep theirs the same way);
 * - `codex`: rollouts under `sessions/YYYY/MM/DD/` whose first line names this worktree as `cwd`;
 * - `gemini`: the chats of the project that `projects.json` maps this worktree to.
 */
export type RecordPlaces =
  | { readonly kind: 'claude'; readonly dirs: readonly string[] }
  | { readonly kind: 'codex'; readonly sessionsDir: string; readonly cwd: string }
  | { readonly kind: 'gemini'; readonly geminiDir: string; readonly cwd: string };

export interface AgentRecords {
  readonly format: UsageFormat;
  /** The prompts the agent recorded, to check a delivery against. */
  readonly prompts: PromptParser;
  readonly places: RecordPlaces;
}

export interface RecordContext {
  readonly worktree: string;
  /** The environment the agent runs with (the czar's, then the agent's and the worker's `env:`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Transcripts the agent's hooks named (Claude Code's `transcript_path`). */
  readonly transcripts: readonly string[];
}

/** The environment variables `agentRecords` reads: what a host's launch record keeps so the host can find them. */
export const RECORD_ENV_KEYS = ['HOME', 'CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'PI_CODING_AGENT_DIR'] as const;

/** Only the variables that say where records are (never an API key the worker's env: also holds). */
export function recordsEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(RECORD_ENV_KEYS.flatMap((key) => (env[key] === undefined ? [] : [[key, env[key]]])));
}

/** Claude Code names a project folder after the working directory, every character but letters and digits a `-`. */
export function claudeProjectDir(configDir: string, worktree: string): string {
  return path.join(configDir, 'projects', worktree.replace(/[^A-Za-z0-9]/g, '-'));
}

/**
 * The records of a worker's agent, or undefined for agents that keep none czar can read (a shell, Aider): their
 * usage is unknown, never zero. The simulated agent writes Claude-shaped transcripts (`@sim usage`).
 */
export function agentRecords(preset: PresetName, context: RecordContext): AgentRecords | undefined {
  const home = context.env.HOME ?? '';
  switch (preset) {
    case 'claude':
    case 'sim': {
      const configDir = context.env.CLAUDE_CONFIG_DIR ?? path.join(home, '.claude');
      const dirs = [
        claudeProjectDir(configDir, context.worktree),
        ...context.transcripts.map((file) => path.dirname(file)),
      ];
      return { format: claudeUsageParser, prompts: claudePrompt, places: { kind: 'claude', dirs: [...new Set(dirs)] } };
    }
    case 'codex':
      return {
        format: codexUsageParser,
        prompts: codexPrompt,
        places: {
          kind: 'codex',
          sessionsDir: path.join(context.env.CODEX_HOME ?? path.join(home, '.codex'), 'sessions'),
          cwd: context.worktree,
        },
      };
    case 'gemini':
      return {
        format: geminiUsageParser,
        prompts: geminiPrompt,
        places: { kind: 'gemini', geminiDir: path.join(home, '.gemini'), cwd: context.worktree },
      };
    case 'qwen': {
      // Named like Claude Code's project folders: `~/.qwen/projects/<cwd, each non-alphanumeric a ->/chats`.
      const chats = path.join(claudeProjectDir(path.join(home, '.qwen'), context.worktree), 'chats');
      const dirs = [chats, ...context.transcripts.map((file) => path.dirname(file))];
      return { format: qwenUsageParser, prompts: qwenPrompt, places: { kind: 'claude', dirs: [...new Set(dirs)] } };
    }
    case 'pi': {
      // `<agent dir>/sessions/--<cwd without its first /, each / a ->--/`; its extension names the file as well.
      const agentDir = context.env.PI_CODING_AGENT_DIR ?? path.join(home, '.pi', 'agent');
      const sessions = path.join(
        agentDir,
        'sessions',
        `--${context.worktree.replace(/^\//, '').replace(/[/:]/g, '-')}--`,
      );
      const dirs = [sessions, ...context.transcripts.map((file) => path.dirname(file))];
      return { format: piUsageParser, prompts: piPrompt, places: { kind: 'claude', dirs: [...new Set(dirs)] } };
    }
    case 'aider':
    case 'shell':
      return undefined;
  }
}
