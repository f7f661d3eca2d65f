import path from 'node:path';
import { outsideBox } from '../domain/model/box-home.js';
import type { UsageFormat } from '../domain/usage/usage.js';
import type { PromptParser } from './recorded-prompts.js';

/**
 * Where an agent keeps its own transcripts (usage, prompts), as places to look (the usage source lists them):
 * - `claude`: session transcripts in these folders, each with its subagents' transcripts under `<session>/subagents/`
 *   (Qwen Code and pi keep theirs the same way);
 * - `codex`: rollouts under `sessions/YYYY/MM/DD/` whose first line names this worktree as `cwd`;
 * - `gemini`: the chats of the project that `projects.json` maps this worktree to;
 * - `sessions`: one folder per session under `sessionsDir`, each with a `file` whose first line names its `cwd`;
 * - `documents`: one file per session in `dir` (named `*<suffix>`), a JSON document the agent rewrites each turn, which
 *   `lines` turns into record lines (undefined while it is not whole), the first naming its `cwd`.
 */
export type TranscriptPlaces =
  | { readonly kind: 'claude'; readonly dirs: readonly string[] }
  | { readonly kind: 'codex'; readonly sessionsDir: string; readonly cwd: string }
  | { readonly kind: 'gemini'; readonly geminiDir: string; readonly cwd: string }
  | { readonly kind: 'sessions'; readonly sessionsDir: string; readonly file: string; readonly cwd: string }
  | {
      readonly kind: 'documents';
      readonly dir: string;
      readonly suffix: string;
      readonly cwd: string;
      readonly lines: DocumentLines;
    };

/** Record lines of an agent's record document (pure; never throws), or undefined when it is not whole. */
export type DocumentLines = (text: string) => readonly string[] | undefined;

export interface AgentTranscripts {
  readonly format: UsageFormat;
  /** The prompts the agent recorded, to check a delivery against. */
  readonly prompts: PromptParser;
  readonly places: TranscriptPlaces;
}

export interface TranscriptContext {
  readonly worktree: string;
  /** The environment the agent runs with (the czar's, then the agent's and the worker's `env:`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Transcripts the agent's hooks named (Claude Code's `transcript_path`). */
  readonly transcripts: readonly string[];
}

/** The environment variables `agentTranscripts` reads: what a host's launch record keeps so the host can find them. */
export const TRANSCRIPT_ENV_KEYS = [
  'HOME',
  'CLAUDE_CONFIG_DIR',
  'CODEX_HOME',
  'PI_CODING_AGENT_DIR',
  'COPILOT_HOME',
] as const;

/** Only the variables that say where transcripts are (never an API key the worker's env: also holds). */
export function transcriptsEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(TRANSCRIPT_ENV_KEYS.flatMap((key) => (env[key] === undefined ? [] : [[key, env[key]]])));
}

/**
 * The transcript context of a boxed agent as czar sees it from outside the box: its home, the transcript folders its
 * variables name under that home, and the transcripts its hooks named there (no others), all in the home's private
 * copy.
 */
export function boxedTranscriptContext(context: TranscriptContext, homeCopy: string): TranscriptContext {
  const home = context.env.HOME;
  if (home === undefined) return context;
  const outside = (file: string): string => outsideBox(file, home, homeCopy);
  const env = Object.fromEntries(
    Object.entries(context.env).map(([key, value]) => [
      key,
      value !== undefined && (TRANSCRIPT_ENV_KEYS as readonly string[]).includes(key) ? outside(value) : value,
    ]),
  );
  // A transcript the hook names outside the home is none of the box's: the worker's word, not read.
  const inHome = context.transcripts.filter((file) => outside(file) !== file);
  return { ...context, env, transcripts: inHome.map(outside) };
}

/** Claude Code names a project folder after the working directory, every character but letters and digits a `-`. */
export function claudeProjectDir(configDir: string, worktree: string): string {
  return path.join(configDir, 'projects', worktree.replace(/[^A-Za-z0-9]/g, '-'));
}
