import type { RecordedPrompt } from '../model/delivery-check.js';
import { visible } from '../model/sanitize.js';

/**
 * Token usage as the agents record it themselves (Claude Code transcripts, Codex rollouts, Gemini CLI sessions),
 * never estimated from screen text. Pure: the parsers beside each preset turn a record line into a `UsageLine`;
 * the usage source in the supervisor adds them up per worker and per task.
 */

/** Tokens of one model call or one running total, split the way providers price them. */
export interface TokenCounts {
  /** Prompt tokens neither read from nor written to a cache. */
  readonly input: number;
  readonly output: number;
  /** Prompt tokens written to a cache (Claude's cache creation). */
  readonly cacheWrite: number;
  /** Prompt tokens read from a cache. */
  readonly cacheRead: number;
}

export const ZERO_TOKENS: TokenCounts = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };

/**
 * What one record line says about usage:
 * - `call`: one model call; `id` repeats on every line of a call written more than once (a streamed Claude message,
 *   a Gemini message that calls a tool), so it is counted once.
 * - `total`: a running total for the whole file (Codex `total_token_usage`): the latest replaces the earlier ones.
 */
export type UsageLine =
  | {
      readonly kind: 'call';
      readonly id: string | undefined;
      readonly model: string;
      readonly tokens: TokenCounts;
      readonly at: number | undefined;
    }
  | { readonly kind: 'total'; readonly model: string; readonly tokens: TokenCounts; readonly at: number | undefined };

/** What a parser made of one line: usage, nothing about usage, or a line it could not read. */
export type ParsedLine = UsageLine | 'none' | 'malformed';

/**
 * Reads one record line of an agent's own log. Never throws. A parser may remember earlier lines of the same file
 * (Codex names the model on one line and the tokens on another), so each file gets its own from a `UsageFormat`.
 */
export type UsageParser = (line: string) => ParsedLine;

/** One agent's record format: a fresh parser per file. */
export type UsageFormat = () => UsageParser;

/** Tokens spent on one model, for pricing. */
export interface ModelTokens extends TokenCounts {
  readonly model: string;
}

/** What one task of a worker spent, per model. */
export interface TaskUsage {
  readonly task: string;
  readonly models: readonly ModelTokens[];
}

/** A worker's usage from its agent's records; absent on the model when its agent keeps no records (unknown, never zero). */
export interface WorkerUsage {
  readonly tasks: readonly TaskUsage[];
  /** Record files read for this worker (main transcripts, subagent transcripts, rollouts). */
  readonly files: number;
  /** Lines that were malformed, too long or not understood, skipped. */
  readonly skippedLines: number;
  /** Time of the newest counted line. */
  readonly lastAt: number | undefined;
  /** The newest prompts the agent recorded (at most MAX_PROMPTS), oldest first: what it says it was given. */
  readonly prompts?: readonly RecordedPrompt[] | undefined;
}

export function addTokens(a: TokenCounts, b: TokenCounts): TokenCounts {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    cacheRead: a.cacheRead + b.cacheRead,
  };
}

/** `b - a` for running totals; a total that went down (a new session in the same file) counts from zero. */
export function tokensSince(previous: TokenCounts, current: TokenCounts): TokenCounts {
  const delta = {
    input: current.input - previous.input,
    output: current.output - previous.output,
    cacheWrite: current.cacheWrite - previous.cacheWrite,
    cacheRead: current.cacheRead - previous.cacheRead,
  };
  return Object.values(delta).some((value) => value < 0) ? current : delta;
}

/** Every token the provider processed, cached or not: what a `tokens:` budget counts. */
export function tokenTotal(tokens: TokenCounts): number {
  return tokens.input + tokens.output + tokens.cacheWrite + tokens.cacheRead;
}

/** Adds tokens of one model to a task's usage in a worker's usage. */
export function addUsage(
  usage: WorkerUsage,
  task: string,
  model: string,
  tokens: TokenCounts,
  at: number | undefined,
): WorkerUsage {
  const existing = usage.tasks.find((entry) => entry.task === task);
  const models = existing?.models ?? [];
  const current = models.find((entry) => entry.model === model);
  const merged: ModelTokens = { model, ...addTokens(current ?? ZERO_TOKENS, tokens) };
  const nextModels =
    current === undefined ? [...models, merged] : models.map((entry) => (entry === current ? merged : entry));
  const entry: TaskUsage = { task, models: nextModels };
  const tasks =
    existing === undefined ? [...usage.tasks, entry] : usage.tasks.map((other) => (other === existing ? entry : other));
  const lastAt = at === undefined ? usage.lastAt : Math.max(usage.lastAt ?? 0, at);
  return { ...usage, tasks, lastAt };
}

export const EMPTY_USAGE: WorkerUsage = { tasks: [], files: 0, skippedLines: 0, lastAt: undefined };

/** Usage summed over tasks, per model. */
export function byModel(tasks: readonly TaskUsage[]): readonly ModelTokens[] {
  const sums = new Map<string, TokenCounts>();
  for (const task of tasks)
    for (const entry of task.models) sums.set(entry.model, addTokens(sums.get(entry.model) ?? ZERO_TOKENS, entry));
  return [...sums].map(([model, tokens]) => ({ model, ...tokens }));
}

/**
 * The task a usage line belongs to: the last one handed out at or before the line was written. Lines from before
 * the worker's first task are someone else's (a person used the folder earlier) and belong to none.
 */
export function taskAt(tasks: readonly { readonly id: string; readonly at: number }[], at: number): string | undefined {
  let found: string | undefined;
  for (const task of tasks) if (task.at <= at) found = task.id;
  return found;
}

/** Longest model name kept: names come from untrusted records and end up in status.json and on screen. */
export const MAX_MODEL_NAME = 100;

/** A model name from a record, bounded and with control characters made visible; `fallback` when absent. */
export function modelName(value: unknown, fallback = 'unknown'): string {
  return typeof value === 'string' && value !== '' ? visible(value.slice(0, MAX_MODEL_NAME)) : fallback;
}

/** A non-negative integer field of an untrusted record, or 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** A record's `timestamp` as epoch ms, or undefined. */
export function recordTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Parses one JSON line into an object; undefined for anything else (the line counts as malformed). */
export function jsonObject(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Marks the current task as taken by the agent at `at` (the first confirmed paste of it). */
export function taskDelivered<
  M extends { readonly tasks: readonly { readonly id: string; readonly deliveredAt?: number | undefined }[] },
>(memory: M, taskId: string, at: number): M {
  const current = memory.tasks.at(-1);
  if (current?.id !== taskId || current.deliveredAt !== undefined) return memory;
  return { ...memory, tasks: [...memory.tasks.slice(0, -1), { ...current, deliveredAt: at }] };
}
