import { count, field, jsonObject, modelName, recordTime, type ParsedLine, type UsageParser } from '../domain/usage.js';

/**
 * Gemini CLI session lines (measured with 0.61.0): model messages (`type: "gemini"`) carry `tokens` {input, output,
 * cached, thoughts, tool, total}. `input` includes the cached tokens; thoughts are billed as output and tool-use
 * prompt tokens as input. A message that calls a tool is written twice with the same `id`: counted once.
 */
export function geminiUsageParser(): UsageParser {
  return (line: string): ParsedLine => {
    if (!line.includes('"tokens"')) return 'none';
    const record = jsonObject(line);
    if (record === undefined) return 'malformed';
    const tokens = record.tokens;
    if (record.type !== 'gemini' || typeof tokens !== 'object' || tokens === null) return 'none';
    const cached = count(field(tokens, 'cached'));
    return {
      kind: 'call',
      id: typeof record.id === 'string' ? record.id : undefined,
      model: modelName(record.model),
      tokens: {
        input: Math.max(0, count(field(tokens, 'input')) - cached) + count(field(tokens, 'tool')),
        output: count(field(tokens, 'output')) + count(field(tokens, 'thoughts')),
        cacheWrite: 0,
        cacheRead: cached,
      },
      at: recordTime(record.timestamp),
    };
  };
}
