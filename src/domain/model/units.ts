/** How czar writes quantities for people: durations, dollars and token counts. */

/** `95 s`, `20 min`, `2 h 5 min`: durations for people. */
export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** `$12.34`, or `$0.0042` for small sums; the price of unknown models is said to be unknown, not left out silently. */
export function formatUsd(spend: { readonly usd: number; readonly unpriced: readonly string[] }): string {
  if (spend.unpriced.length > 0 && spend.usd === 0) return 'cost unknown';
  const usd = spend.usd >= 1 || spend.usd === 0 ? spend.usd.toFixed(2) : spend.usd.toPrecision(2);
  return spend.unpriced.length > 0 ? `$${usd}+?` : `$${usd}`;
}

/** `812`, `45.2k`, `5.0M`. */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  if (tokens < 1_000_000) return `${(tokens / 1000).toFixed(1)}k`;
  return `${(tokens / 1_000_000).toFixed(1)}M`;
}
