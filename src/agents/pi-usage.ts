import { count, field, jsonObject, modelName, recordTime, type ParsedLine, type UsageParser } from '../domain/usage.js';

/**
 * pi session lines (measured with 0.73.1): each answer is one `type: "message"` line whose assistant `message.usage`
 * holds that answer's {input (uncached), output, cacheRead, cacheWrite}. A failed call is recorded with zeros.
 */
export function piUsageParser(): UsageParser {
  return (line: string): ParsedLine => {
    if (!line.includes('"usage"')) return 'none';
    const record = jsonObject(line);
    if (record === undefined) return 'malformed';
    const message = record.message;
    const usage = field(message, 'usage');
    if (
      record.type !== 'message' ||
      field(message, 'role') !== 'assistant' ||
      typeof usage !== 'object' ||
      usage === null
    )
      return 'none';
    return {
      kind: 'call',
      id: typeof record.id === 'string' ? record.id : undefined,
      model: modelName(field(message, 'model')),
      tokens: {
        input: count(field(usage, 'input')),
        output: count(field(usage, 'output')),
        cacheWrite: count(field(usage, 'cacheWrite')),
        cacheRead: count(field(usage, 'cacheRead')),
      },
      at: recordTime(record.timestamp),
    };
  };
}
