import path from 'node:path';
import { prompt, texts, type PromptParser } from '../recorded-prompts.js';
import type { AgentTranscripts, TranscriptContext } from '../transcripts.js';
import { count, field, jsonObject, type UsageParser } from '../../domain/usage/usage.js';
import { callLineParser, stringField } from '../call-lines.js';

/**
 * pi session lines (measured with 0.73.1): each answer is one `type: "message"` line whose assistant `message.usage`
 * holds that answer's {input (uncached), output, cacheRead, cacheWrite}. A failed call is recorded with zeros.
 */
export function piUsageParser(): UsageParser {
  return callLineParser({
    marker: '"usage"',
    usage: (record) =>
      record.type === 'message' && field(record.message, 'role') === 'assistant'
        ? field(record.message, 'usage')
        : undefined,
    id: stringField('id'),
    model: (record) => field(record.message, 'model'),
    tokens: (usage) => ({
      input: count(field(usage, 'input')),
      output: count(field(usage, 'output')),
      cacheWrite: count(field(usage, 'cacheWrite')),
      cacheRead: count(field(usage, 'cacheRead')),
    }),
  });
}

/** pi: `type: "message"` lines of a user message of text parts (tool results have the role `toolResult`). */
export const piPrompt: PromptParser = (line) => {
  if (!line.includes('"user"')) return undefined;
  const record = jsonObject(line);
  if (record?.type !== 'message' || field(record.message, 'role') !== 'user') return undefined;
  const text = texts(field(record.message, 'content'), 'text', 'text');
  return text === undefined ? undefined : prompt(text, record.timestamp);
};

/** pi's sessions: `<agent dir>/sessions/--<cwd without its first /, each / a ->--/`; its extension names the file too. */
export function piTranscripts(context: TranscriptContext): AgentTranscripts {
  const agentDir = context.env.PI_CODING_AGENT_DIR ?? path.join(context.env.HOME ?? '', '.pi', 'agent');
  const sessions = path.join(agentDir, 'sessions', `--${context.worktree.replace(/^\//, '').replace(/[/:]/g, '-')}--`);
  const dirs = [sessions, ...context.transcripts.map((file) => path.dirname(file))];
  return { format: piUsageParser, prompts: piPrompt, places: { kind: 'claude', dirs: [...new Set(dirs)] } };
}
