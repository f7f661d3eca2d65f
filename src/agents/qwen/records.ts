import path from 'node:path';
import { prompt, texts, type PromptParser } from '../recorded-prompts.js';
import { claudeProjectDir, type AgentRecords, type RecordContext } from '../usage-records.js';
import {
  count,
  field,
  jsonObject,
  modelName,
  recordTime,
  type ParsedLine,
  type UsageParser,
} from '../../domain/usage.js';

/**
 * Qwen Code chat lines (measured with 0.24.4): each model response is one `type: "assistant"` line with
 * `usageMetadata` {promptTokenCount, candidatesTokenCount, thoughtsTokenCount, cachedContentTokenCount} for that
 * response alone. The prompt count includes the cached tokens (the OpenAI convention), so they are taken apart here.
 * `ui_telemetry` system lines repeat the counts and are not read.
 */
export function qwenUsageParser(): UsageParser {
  return (line: string): ParsedLine => {
    if (!line.includes('"usageMetadata"')) return 'none';
    const record = jsonObject(line);
    if (record === undefined) return 'malformed';
    const usage = record.usageMetadata;
    if (record.type !== 'assistant' || typeof usage !== 'object' || usage === null) return 'none';
    const cached = count(field(usage, 'cachedContentTokenCount'));
    return {
      kind: 'call',
      id: typeof record.uuid === 'string' ? record.uuid : undefined,
      model: modelName(record.model),
      tokens: {
        input: Math.max(0, count(field(usage, 'promptTokenCount')) - cached),
        output: count(field(usage, 'candidatesTokenCount')) + count(field(usage, 'thoughtsTokenCount')),
        cacheWrite: 0,
        cacheRead: cached,
      },
      at: recordTime(record.timestamp),
    };
  };
}

/** Qwen Code: `type: "user"` lines of text parts (tool results are `tool_result` lines). */
export const qwenPrompt: PromptParser = (line) => {
  if (!line.includes('"user"')) return undefined;
  const record = jsonObject(line);
  if (record?.type !== 'user') return undefined;
  const text = texts(field(record.message, 'parts'), 'text', undefined);
  return text === undefined ? undefined : prompt(text, record.timestamp);
};

/** Qwen Code's chats, named like Claude Code's project folders: `~/.qwen/projects/<cwd, each non-alphanumeric a ->/chats`. */
export function qwenRecords(context: RecordContext): AgentRecords {
  const chats = path.join(claudeProjectDir(path.join(context.env.HOME ?? '', '.qwen'), context.worktree), 'chats');
  const dirs = [chats, ...context.transcripts.map((file) => path.dirname(file))];
  return { format: qwenUsageParser, prompts: qwenPrompt, places: { kind: 'claude', dirs: [...new Set(dirs)] } };
}
