import { jsonObject } from '../domain/usage/usage.js';

/** Only this much of a reviewer's untrusted text is searched for its verdict. */
export const MAX_VERDICT_TEXT = 200_000;

/**
 * Finds the one JSON object a reviewer wrote in free text: the whole text, else the last fenced block that parses,
 * else the span from the first `{` to the last `}`. Never throws; undefined when none parses to an object.
 */
export function jsonObjectIn(text: string): Record<string, unknown> | undefined {
  const bounded = text.slice(0, MAX_VERDICT_TEXT);
  const fenced = [...bounded.matchAll(/```(?:json)?\s*([\s\S]*?)```/g)].map((match) => match[1] ?? '').reverse();
  const bare = bounded.slice(bounded.indexOf('{'), bounded.lastIndexOf('}') + 1);
  for (const candidate of [bounded, ...fenced, bare]) {
    const parsed = jsonObject(candidate.trim());
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}
