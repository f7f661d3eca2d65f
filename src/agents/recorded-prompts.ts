import type { RecordedPrompt } from '../domain/model/delivery-check.js';
import { MAX_PROMPT_CHARS } from '../domain/model/delivery-check.js';
import { field, recordTime } from '../domain/usage/usage.js';

/** Reads the prompt a record line holds, if it holds one the person (or czar) typed; never throws. */
export type PromptParser = (line: string) => RecordedPrompt | undefined;

/** A recorded prompt, bounded like every prompt czar compares. */
export function prompt(text: string, timestamp: unknown): RecordedPrompt {
  return { text: text.slice(0, MAX_PROMPT_CHARS), at: recordTime(timestamp) };
}

/** The text items of a content array, or undefined when it holds anything else (a tool result). */
export function texts(content: unknown, key: string, type: string | undefined): string | undefined {
  if (!Array.isArray(content) || content.length === 0) return undefined;
  const parts = content.map((item) =>
    type !== undefined && field(item, 'type') !== type ? undefined : field(item, key),
  );
  return parts.every((part): part is string => typeof part === 'string') ? parts.join('\n') : undefined;
}
