import path from 'node:path';
import { prompt, type PromptParser } from '../recorded-prompts.js';
import type { AgentTranscripts, TranscriptContext } from '../transcripts.js';
import { count, field, jsonObject, type UsageParser } from '../../domain/usage/usage.js';
import { callLineParser, stringField } from '../call-lines.js';

/**
 * The lines czar's OpenCode plugin (`bin/czar-opencode-plugin.js`) writes, as OpenCode 1.18.33 gives them: one
 * `type: "usage"` line per answer, when it completed, with that answer's `tokens` {input (without the cached part),
 * output, reasoning, cache: {read, write}}. A failed or interrupted answer is written with zeros.
 */
export function opencodeUsageParser(): UsageParser {
  return callLineParser({
    marker: '"usage"',
    usage: (record) => (record.type === 'usage' ? record.tokens : undefined),
    id: stringField('id'),
    model: (record) => record.model,
    tokens: (tokens) => ({
      input: count(field(tokens, 'input')),
      output: count(field(tokens, 'output')) + count(field(tokens, 'reasoning')),
      cacheWrite: count(field(field(tokens, 'cache'), 'write')),
      cacheRead: count(field(field(tokens, 'cache'), 'read')),
    }),
  });
}

/** The plugin's `type: "prompt"` lines: the text parts of a user message, as OpenCode received it. */
export const opencodePrompt: PromptParser = (line) => {
  if (!line.includes('"prompt"')) return undefined;
  const record = jsonObject(line);
  if (record?.type !== 'prompt' || typeof record.text !== 'string') return undefined;
  return prompt(record.text, record.timestamp);
};

/** The plugin writes `~/.local/share/czar/opencode/<cwd, each non-alphanumeric a ->/<session id>.jsonl`. */
export function opencodeRecordsDir(home: string, worktree: string): string {
  return path.join(home, '.local', 'share', 'czar', 'opencode', worktree.replace(/[^A-Za-z0-9]/g, '-'));
}

/** OpenCode keeps its own records in SQLite, which Node 20 cannot read: czar reads what its plugin wrote. */
export function opencodeTranscripts(context: TranscriptContext): AgentTranscripts {
  const home = context.env.HOME;
  const dirs = [
    // Without a HOME the plugin writes nothing, and a relative folder would be read from czar's own.
    ...(home === undefined || !path.isAbsolute(home) ? [] : [opencodeRecordsDir(home, context.worktree)]),
    ...context.transcripts.map((file) => path.dirname(file)),
  ];
  return {
    format: opencodeUsageParser,
    prompts: opencodePrompt,
    places: { kind: 'claude', dirs: [...new Set(dirs)] },
  };
}
