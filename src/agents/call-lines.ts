import {
  jsonObject,
  modelName,
  recordTime,
  type ParsedLine,
  type TokenCounts,
  type UsageParser,
} from '../domain/usage/usage.js';

/**
 * What an agent's records say of one model call on one line (Claude Code, Gemini CLI, Qwen Code and pi each write a
 * line per call, with that call's own counts): where the counts are and how they map to czar's four.
 */
export interface CallLines {
  /** A key every line with counts holds: the other lines (prompts, tool results) are skipped without parsing. */
  readonly marker: string;
  /** The counts object of a call line, or undefined for a line that records no real call. */
  usage(record: Readonly<Record<string, unknown>>): unknown;
  /** The call's id, when the agent writes one call on several lines: counted once. */
  id(record: Readonly<Record<string, unknown>>): string | undefined;
  model(record: Readonly<Record<string, unknown>>): unknown;
  tokens(usage: object): TokenCounts;
}

/** Reads one call per line, as `lines` says; never throws (records are the agent's, untrusted). */
export function callLineParser(lines: CallLines): UsageParser {
  return (line: string): ParsedLine => {
    if (!line.includes(lines.marker)) return 'none';
    const record = jsonObject(line);
    if (record === undefined) return 'malformed';
    const usage = lines.usage(record);
    if (typeof usage !== 'object' || usage === null) return 'none';
    return {
      kind: 'call',
      id: lines.id(record),
      model: modelName(lines.model(record)),
      tokens: lines.tokens(usage),
      at: recordTime(record.timestamp),
    };
  };
}

/** The id of a line that names it in `key`, if it is a string. */
export const stringField =
  (key: string) =>
  (record: Readonly<Record<string, unknown>>): string | undefined =>
    typeof record[key] === 'string' ? record[key] : undefined;
