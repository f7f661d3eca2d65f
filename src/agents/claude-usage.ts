import { count, field, jsonObject, modelName, recordTime, type ParsedLine, type UsageParser } from '../domain/usage.js';

/**
 * Claude Code transcript lines (measured with 2.1.197): each assistant line carries `message.usage` with
 * `input_tokens` (uncached), `output_tokens`, `cache_creation_input_tokens` and `cache_read_input_tokens`. A
 * message with several content blocks is written once per block, every line with the same `message.id` (and
 * `requestId` where the API sent one): the id lets the counter take it once. Lines Claude Code makes up itself
 * (model `<synthetic>`, API errors) never reached a model and carry no real usage.
 */
export function claudeUsageParser(): UsageParser {
  return (line: string): ParsedLine => {
    // Most lines (prompts, tool results, snapshots) carry no usage: skip them without parsing.
    if (!line.includes('"usage"')) return 'none';
    const record = jsonObject(line);
    if (record === undefined) return 'malformed';
    if (record.type !== 'assistant' || record.isApiErrorMessage === true) return 'none';
    const message = record.message;
    const usage = field(message, 'usage');
    const model = field(message, 'model');
    if (typeof usage !== 'object' || usage === null || model === '<synthetic>') return 'none';
    const messageId = field(message, 'id');
    const requestId = record.requestId;
    return {
      kind: 'call',
      id: typeof messageId === 'string' ? `${messageId}:${typeof requestId === 'string' ? requestId : ''}` : undefined,
      model: modelName(model),
      tokens: {
        input: count(field(usage, 'input_tokens')),
        output: count(field(usage, 'output_tokens')),
        cacheWrite: count(field(usage, 'cache_creation_input_tokens')),
        cacheRead: count(field(usage, 'cache_read_input_tokens')),
      },
      at: recordTime(record.timestamp),
    };
  };
}
