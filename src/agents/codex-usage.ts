import { count, field, jsonObject, modelName, recordTime, type ParsedLine, type UsageParser } from '../domain/usage.js';

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
