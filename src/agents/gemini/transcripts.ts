import path from 'node:path';
import { prompt, texts, type PromptParser } from '../recorded-prompts.js';
import type { AgentTranscripts, TranscriptContext } from '../transcripts.js';
import { count, field, jsonObject, type UsageParser } from '../../domain/usage/usage.js';
import { callLineParser, stringField } from '../call-lines.js';

/**
 * Gemini CLI session lines (measured with 0.61.0): model messages (`type: "gemini"`) carry `tokens` {input, output,
 * cached, thoughts, tool, total}. `input` includes the cached tokens; thoughts are billed as output and tool-use
 * prompt tokens as input. A message that calls a tool is written twice with the same `id`: counted once.
 */
export function geminiUsageParser(): UsageParser {
  return callLineParser({
    marker: '"tokens"',
    usage: (record) => (record.type === 'gemini' ? record.tokens : undefined),
    id: stringField('id'),
    model: (record) => record.model,
    tokens: (tokens) => {
      const cached = count(field(tokens, 'cached'));
      return {
        input: Math.max(0, count(field(tokens, 'input')) - cached) + count(field(tokens, 'tool')),
        output: count(field(tokens, 'output')) + count(field(tokens, 'thoughts')),
        cacheWrite: 0,
        cacheRead: cached,
      };
    },
  });
}

/** Gemini CLI: `type: "user"` messages of text (function responses are user messages too). */
export const geminiPrompt: PromptParser = (line) => {
  if (!line.includes('"user"')) return undefined;
  const record = jsonObject(line);
  if (record?.type !== 'user') return undefined;
  const text = texts(record.content, 'text', undefined);
  return text === undefined ? undefined : prompt(text, record.timestamp);
};

/** Gemini CLI's chats: those of the project its `projects.json` maps this worktree to. */
export function geminiTranscripts(context: TranscriptContext): AgentTranscripts {
  return {
    format: geminiUsageParser,
    prompts: geminiPrompt,
    places: { kind: 'gemini', geminiDir: path.join(context.env.HOME ?? '', '.gemini'), cwd: context.worktree },
  };
}
