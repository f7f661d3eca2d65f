import path from 'node:path';
import { prompt, texts, type PromptParser } from '../recorded-prompts.js';
import { claudeProjectDir, type AgentTranscripts, type TranscriptContext } from '../transcripts.js';
import { count, field, jsonObject, type UsageParser } from '../../domain/usage/usage.js';
import { callLineParser, stringField } from '../call-lines.js';

/**
 * Qwen Code chat lines (measured with 0.24.4): each model response is one `type: "assistant"` line with
 * `usageMetadata` {promptTokenCount, candidatesTokenCount, thoughtsTokenCount, cachedContentTokenCount} for that
 * response alone. The prompt count includes the cached tokens (the OpenAI convention), so they are taken apart here.
 * `ui_telemetry` system lines repeat the counts and are not read.
 */
export function qwenUsageParser(): UsageParser {
  return callLineParser({
    marker: '"usageMetadata"',
    usage: (record) => (record.type === 'assistant' ? record.usageMetadata : undefined),
    id: stringField('uuid'),
    model: (record) => record.model,
    tokens: (usage) => {
      const cached = count(field(usage, 'cachedContentTokenCount'));
      return {
        input: Math.max(0, count(field(usage, 'promptTokenCount')) - cached),
        output: count(field(usage, 'candidatesTokenCount')) + count(field(usage, 'thoughtsTokenCount')),
        cacheWrite: 0,
        cacheRead: cached,
      };
    },
  });
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
export function qwenTranscripts(context: TranscriptContext): AgentTranscripts {
  const chats = path.join(claudeProjectDir(path.join(context.env.HOME ?? '', '.qwen'), context.worktree), 'chats');
  const dirs = [chats, ...context.transcripts.map((file) => path.dirname(file))];
  return { format: qwenUsageParser, prompts: qwenPrompt, places: { kind: 'claude', dirs: [...new Set(dirs)] } };
}
