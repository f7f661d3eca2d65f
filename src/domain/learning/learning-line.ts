import type * as z from 'zod';

/**
 * One line of a per-user record file (outcomes, lessons): parsed against its schema, or the reason it is not one
 * (corrupt JSON, a line of another version or program), so a reader can skip it and say why.
 */
export function parseLearningLine<T>(schema: z.ZodType<T>, line: string, what: string): T | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `${issue?.path.join('.') || 'line'}: ${issue?.message ?? `not ${what}`}`;
}

/** Each id's latest item (a later line for the same id replaces the earlier one), oldest first. */
export function latestById<T extends { readonly id: string }>(items: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const item of items) {
    byId.delete(item.id);
    byId.set(item.id, item);
  }
  return [...byId.values()];
}
