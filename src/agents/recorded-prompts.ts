import type { RecordedPrompt } from '../domain/delivery-check.js';
import { MAX_PROMPT_CHARS } from '../domain/delivery-check.js';
import { field, jsonObject, recordTime } from '../domain/usage.js';

/** Reads the prompt a record line holds, if it holds one the person (or czar) typed; never throws. */
export type PromptParser = (line: string) => RecordedPrompt | undefined;

function prompt(text: string, timestamp: unknown): RecordedPrompt {
  return { text: text.slice(0, MAX_PROMPT_CHARS), at: recordTime(timestamp) };
}

/** The text items of a content array, or undefined when it holds anything else (a tool result). */
function texts(content: unknown, key: string, type: string | undefined): string | undefined {
  if (!Array.isArray(content) || content.length === 0) return undefined;
  const parts = content.map((item) =>
    type !== undefined && field(item, 'type') !== type ? undefined : field(item, key),
  );
  return parts.every((part): part is string => typeof part === 'string') ? parts.join('\n') : undefined;
}

/** Claude Code: `type: "user"` lines whose content is the typed text (tool results are user lines too). */
export const claudePrompt: PromptParser = (line) => {
  if (!line.includes('"user"')) return undefined;
  const record = jsonObject(line);
  if (record?.type !== 'user' || record.isMeta === true || field(record.message, 'role') !== 'user') return undefined;
  const content = field(record.message, 'content');
  const text = typeof content === 'string' ? content : texts(content, 'text', 'text');
  return text === undefined ? undefined : prompt(text, record.timestamp);
};

/** Codex: user `message` response items; the environment context it adds itself is one too, marked by its kinds. */
export const codexPrompt: PromptParser = (line) => {
  if (!line.includes('"user"')) return undefined;
  const record = jsonObject(line);
  const payload = record?.payload;
  if (record?.type !== 'response_item' || field(payload, 'type') !== 'message' || field(payload, 'role') !== 'user')
    return undefined;
  const kinds = field(field(payload, 'internal_chat_message_metadata_passthrough'), 'content_item_kinds');
  const text = texts(field(payload, 'content'), 'text', 'input_text');
  if (
    text === undefined ||
    (Array.isArray(kinds) ? !kinds.includes('user.text') : text.startsWith('<environment_context>'))
  )
    return undefined;
  return prompt(text, record.timestamp);
};

/** Gemini CLI: `type: "user"` messages of text (function responses are user messages too). */
export const geminiPrompt: PromptParser = (line) => {
  if (!line.includes('"user"')) return undefined;
  const record = jsonObject(line);
  if (record?.type !== 'user') return undefined;
  const text = texts(record.content, 'text', undefined);
  return text === undefined ? undefined : prompt(text, record.timestamp);
};

/** Qwen Code: `type: "user"` lines of text parts (tool results are `tool_result` lines). */
export const qwenPrompt: PromptParser = (line) => {
  if (!line.includes('"user"')) return undefined;
  const record = jsonObject(line);
  if (record?.type !== 'user') return undefined;
  const text = texts(field(record.message, 'parts'), 'text', undefined);
  return text === undefined ? undefined : prompt(text, record.timestamp);
};

/** pi: `type: "message"` lines of a user message of text parts (tool results have the role `toolResult`). */
export const piPrompt: PromptParser = (line) => {
  if (!line.includes('"user"')) return undefined;
  const record = jsonObject(line);
  if (record?.type !== 'message' || field(record.message, 'role') !== 'user') return undefined;
  const text = texts(field(record.message, 'content'), 'text', 'text');
  return text === undefined ? undefined : prompt(text, record.timestamp);
};
