import path from 'node:path';
import { prompt, type PromptParser } from '../recorded-prompts.js';
import type { AgentTranscripts, TranscriptContext } from '../transcripts.js';
import { count, field, jsonObject, type TokenCounts, type UsageParser } from '../../domain/usage/usage.js';
import { callLineParser, stringField } from '../call-lines.js';

/**
 * GitHub Copilot CLI session events (measured with 1.0.102): each model call is one `session.usage_record` line whose
 * `data.usage` holds {model, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, cost}. The input count is
 * the provider's prompt count, cached tokens included (the OpenAI convention), so they are taken apart here.
 */
export function copilotUsageParser(): UsageParser {
  return callLineParser({
    marker: '"session.usage_record"',
    usage: (record) => (record.type === 'session.usage_record' ? field(record.data, 'usage') : undefined),
    id: stringField('id'),
    model: (record) => field(field(record.data, 'usage'), 'model'),
    tokens: copilotTokens,
  });
}

/** One usage record's tokens (a model call's, or a model's in a review's usage file), the cached part taken apart. */
export function copilotTokens(usage: unknown): TokenCounts {
  const cached = count(field(usage, 'cacheReadTokens'));
  return {
    input: Math.max(0, count(field(usage, 'inputTokens')) - cached),
    output: count(field(usage, 'outputTokens')),
    cacheWrite: count(field(usage, 'cacheWriteTokens')),
    cacheRead: cached,
  };
}

/** `user.message` lines: `data.content` is the text as typed (`transformedContent` adds Copilot's datetime block). */
export const copilotPrompt: PromptParser = (line) => {
  if (!line.includes('"user.message"')) return undefined;
  const record = jsonObject(line);
  const text = field(record?.data, 'content');
  if (record?.type !== 'user.message' || typeof text !== 'string') return undefined;
  return prompt(text, record.timestamp);
};

/** Copilot's sessions: `<COPILOT_HOME, else ~/.copilot>/session-state/<uuid>/events.jsonl`, each naming its cwd first. */
export function copilotTranscripts(context: TranscriptContext): AgentTranscripts {
  const home = context.env.COPILOT_HOME ?? path.join(context.env.HOME ?? '', '.copilot');
  return {
    format: copilotUsageParser,
    prompts: copilotPrompt,
    places: {
      kind: 'sessions',
      sessionsDir: path.join(home, 'session-state'),
      file: 'events.jsonl',
      cwd: context.worktree,
    },
  };
}
