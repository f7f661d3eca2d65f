/** `500ms`, `90s`, `20m`, `1h`, `1h30m`, `1.5h`: one or more number+unit parts, largest unit first or not. */
export const DURATION_PATTERN = /^(\d+(\.\d+)?(ms|s|m|h))+$|^\d+(\.\d+)?$/;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A written duration in milliseconds: a string like `1h30m` or a bare number (string or YAML number) of seconds.
 * Returns undefined for anything else so the caller can say where the bad value came from.
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  const text = value.trim();
  if (!DURATION_PATTERN.test(text)) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  let total = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNIT_MS[part[2] ?? ''] ?? 0);
  }
  return Math.round(total);
}
