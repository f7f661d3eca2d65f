import path from 'node:path';
import { prompt, texts, type PromptParser } from '../recorded-prompts.js';
import { claudeProjectDir, type AgentTranscripts, type TranscriptContext } from '../transcripts.js';
import { count, field, jsonObject, type UsageParser } from '../../domain/usage/usage.js';
import { callLineParser } from '../call-lines.js';

/**
 * Claude Code transcript lines (measured with 2.1.197): each assistant line carries `message.usage` with
 * `input_tokens` (uncached), `output_tokens`, `cache_creation_input_tokens` and `cache_read_input_tokens`. A
 * message with several content blocks is written once per block, every line with the same `message.id` (and
 * `requestId` where the API sent one): the id lets the counter take it once. Lines Claude Code makes up itself
 * (model `<synthetic>`, API errors) never reached a model and carry no real usage.
 */
export function claudeUsageParser(): UsageParser {
  return callLineParser({
    marker: '"usage"',
    usage: (record) =>
      record.type === 'assistant' &&
      record.isApiErrorMessage !== true &&
      field(record.message, 'model') !== '<synthetic>'
        ? field(record.message, 'usage')
        : undefined,
    id: (record) => {
      const messageId = field(record.message, 'id');
      const requestId = record.requestId;
      return typeof messageId === 'string'
        ? `${messageId}:${typeof requestId === 'string' ? requestId : ''}`
        : undefined;
    },
    model: (record) => field(record.message, 'model'),
    tokens: (usage) => ({
      input: count(field(usage, 'input_tokens')),
      output: count(field(usage, 'output_tokens')),
      cacheWrite: count(field(usage, 'cache_creation_input_tokens')),
      cacheRead: count(field(usage, 'cache_read_input_tokens')),
    }),
  });
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

/** Claude Code's transcripts (the simulated agent writes the same): its project folder, and those its hooks named. */
export function claudeTranscripts(context: TranscriptContext): AgentTranscripts {
  const configDir = context.env.CLAUDE_CONFIG_DIR ?? path.join(context.env.HOME ?? '', '.claude');
  const dirs = [
    claudeProjectDir(configDir, context.worktree),
    ...context.transcripts.map((file) => path.dirname(file)),
  ];
  return { format: claudeUsageParser, prompts: claudePrompt, places: { kind: 'claude', dirs: [...new Set(dirs)] } };
}
