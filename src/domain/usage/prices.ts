import { byModel, type ModelTokens, type TaskUsage } from './usage.js';

/** US dollars per million tokens of each kind. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite: number;
  readonly cacheRead: number;
}

/** Model name (or a prefix of it, such as `claude-sonnet-4-5`) to its price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * The price table shipped with czar, written on 2026-11-22 from the providers' public list prices (Anthropic,
 * OpenAI and Google pricing pages) as the author knew them; it was NOT re-checked online (the machine it was written
 * on has no network), and list prices change. Standard tier, prompts under 200k tokens, 5-minute cache writes.
 * Check them against your bill and override or extend them with `prices:` in czar.yaml.
 */
export const PRICES_TAKEN_ON = '2026-11-22';
export const DEFAULT_PRICES: PriceTable = {
  'claude-opus-4-5': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  'claude-opus-4-1': { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 },
  'claude-opus-4': { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-sonnet-4': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-3-7-sonnet': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 },
  'gpt-5-codex': { input: 1.25, output: 10, cacheWrite: 0, cacheRead: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cacheWrite: 0, cacheRead: 0.025 },
  'gpt-5': { input: 1.25, output: 10, cacheWrite: 0, cacheRead: 0.125 },
  'gemini-2.5-pro': { input: 1.25, output: 10, cacheWrite: 0, cacheRead: 0.31 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cacheWrite: 0, cacheRead: 0.025 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheWrite: 0, cacheRead: 0.075 },
};

/**
 * The price of a model: an exact entry, else the longest entry the name starts with at a `-` boundary
 * (`claude-sonnet-4-5-20250929` is `claude-sonnet-4-5`); undefined when nothing fits, never a guess.
 */
export function priceOf(model: string, table: PriceTable): ModelPrice | undefined {
  const exact = table[model];
  if (exact !== undefined) return exact;
  let best: string | undefined;
  for (const name of Object.keys(table)) {
    if (model.startsWith(`${name}-`) && (best === undefined || name.length > best.length)) best = name;
  }
  return best === undefined ? undefined : table[best];
}

/** Dollars for the models priced, and the models that could not be: their cost is unknown, not zero. */
export interface Cost {
  readonly usd: number;
  readonly unpriced: readonly string[];
}

export function costOfModels(models: readonly ModelTokens[], table: PriceTable): Cost {
  let usd = 0;
  const unpriced: string[] = [];
  for (const entry of models) {
    const price = priceOf(entry.model, table);
    if (price === undefined) {
      unpriced.push(entry.model);
      continue;
    }
    usd +=
      (entry.input * price.input +
        entry.output * price.output +
        entry.cacheWrite * price.cacheWrite +
        entry.cacheRead * price.cacheRead) /
      1_000_000;
  }
  return { usd, unpriced };
}

export function costOfTasks(tasks: readonly TaskUsage[], table: PriceTable): Cost {
  return costOfModels(byModel(tasks), table);
}

/** The shipped table with the config's `prices:` laid over it. */
export function withOverrides(overrides: PriceTable): PriceTable {
  return { ...DEFAULT_PRICES, ...overrides };
}
