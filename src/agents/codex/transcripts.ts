import path from 'node:path';
import { prompt, texts, type PromptParser } from '../recorded-prompts.js';
import type { AgentTranscripts, TranscriptContext } from '../transcripts.js';
import {
  count,
  field,
  jsonObject,
  modelName,
  recordTime,
  type ParsedLine,
  type UsageParser,
} from '../../domain/usage/usage.js';

/**
 * Codex CLI rollout lines (measured with 0.169.0): `event_msg` lines of type `token_count` carry
 * `info.total_token_usage`, a running total for the session, so the latest one is the session's usage. Its
 * `input_tokens` include the cached ones (OpenAI's convention), so they are taken apart here. The model is named on
 * `turn_context` lines (and in `session_meta`), before the counts.
 */
export function codexUsageParser(): UsageParser {
  let model = 'unknown';
  return (line: string): ParsedLine => {
    const counts = line.includes('"token_count"');
    if (!counts && !line.includes('"turn_context"') && !line.includes('"session_meta"')) return 'none';
    const record = jsonObject(line);
    if (record === undefined) return 'malformed';
    const payload = record.payload;
    if (record.type === 'turn_context' || record.type === 'session_meta') {
      model = modelName(field(payload, 'model'), model);
      return 'none';
    }
    if (record.type !== 'event_msg' || field(payload, 'type') !== 'token_count') return 'none';
    const total = field(field(payload, 'info'), 'total_token_usage');
    if (typeof total !== 'object' || total === null) return 'none';
    const cacheRead = count(field(total, 'cached_input_tokens'));
    const cacheWrite = count(field(total, 'cache_write_input_tokens'));
    return {
      kind: 'total',
      model,
      tokens: {
        input: Math.max(0, count(field(total, 'input_tokens')) - cacheRead - cacheWrite),
        output: count(field(total, 'output_tokens')),
        cacheWrite,
        cacheRead,
      },
      at: recordTime(record.timestamp),
    };
  };
}

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

/** Codex's rollouts: those under its sessions folder whose first line names this worktree. */
export function codexTranscripts(context: TranscriptContext): AgentTranscripts {
  return {
    format: codexUsageParser,
    prompts: codexPrompt,
    places: {
      kind: 'codex',
      sessionsDir: path.join(context.env.CODEX_HOME ?? path.join(context.env.HOME ?? '', '.codex'), 'sessions'),
      cwd: context.worktree,
    },
  };
}
