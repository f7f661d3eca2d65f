import { addTokens, tokensSince, ZERO_TOKENS, type TokenCounts, type UsageLine } from './usage.js';

/**
 * How many call ids a tally remembers. A repeated line follows its first within the same message (a few lines
 * later), so a window this size catches every repeat while keeping memory bounded on an endless transcript.
 */
export const REMEMBERED_IDS = 10_000;

/**
 * Turns one record file's usage lines into what to add: a call counted once per id (a repeat adds only what grew,
 * in case an earlier line of a streamed message carried partial counts), a running total as its growth since the
 * last one. One tally per file, fed in file order.
 */
export class UsageTally {
  private readonly seen = new Map<string, TokenCounts>();
  private total: TokenCounts = ZERO_TOKENS;

  /** The tokens this line adds to what the file said before. */
  add(line: UsageLine): TokenCounts {
    if (line.kind === 'total') {
      const delta = tokensSince(this.total, line.tokens);
      this.total = line.tokens;
      return delta;
    }
    if (line.id === undefined) return line.tokens;
    const before = this.seen.get(line.id);
    if (before === undefined) {
      this.remember(line.id, line.tokens);
      return line.tokens;
    }
    const most = {
      input: Math.max(before.input, line.tokens.input),
      output: Math.max(before.output, line.tokens.output),
      cacheWrite: Math.max(before.cacheWrite, line.tokens.cacheWrite),
      cacheRead: Math.max(before.cacheRead, line.tokens.cacheRead),
    };
    this.seen.set(line.id, most);
    return tokensSince(before, most);
  }

  private remember(id: string, tokens: TokenCounts): void {
    this.seen.set(id, tokens);
    if (this.seen.size > REMEMBERED_IDS) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}

/** Sum of what a sequence of lines adds, for tests and one-shot reads. */
export function tallyAll(lines: readonly UsageLine[]): TokenCounts {
  const tally = new UsageTally();
  return lines.reduce((sum, line) => addTokens(sum, tally.add(line)), ZERO_TOKENS);
}
