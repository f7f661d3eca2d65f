import type { PriceTable } from '../domain/usage/prices.js';
import type { BudgetLimits, CheckSpec, Policy } from '../domain/model/config-types.js';
import { CHECK_TIMEOUT_DEFAULT_MS, POLICY_DEFAULTS } from './defaults.js';
import { parseDuration } from './duration.js';
import type { WrittenCheck, WrittenConfig } from './schema.js';

/** Policy, checks, budgets and prices in resolved form: durations in milliseconds, token counts as numbers. */

function ms(value: string | number | undefined, fallback: number): number {
  return value === undefined ? fallback : (parseDuration(value) ?? fallback);
}

export function resolvePolicy(written: WrittenConfig['policy']): Policy {
  const policy = written ?? {};
  const answers = policy.auto_answer === undefined || policy.auto_answer === 'off' ? [] : policy.auto_answer;
  return {
    launchConcurrency: policy.launch_concurrency ?? POLICY_DEFAULTS.launchConcurrency,
    launchStaggerMs: ms(policy.launch_stagger, POLICY_DEFAULTS.launchStaggerMs),
    idleAfterMs: ms(policy.idle_after, POLICY_DEFAULTS.idleAfterMs),
    stuckAfterMs: ms(policy.stuck_after, POLICY_DEFAULTS.stuckAfterMs),
    checkpointAfterMs: ms(policy.checkpoint_after, ms(policy.stuck_after, POLICY_DEFAULTS.stuckAfterMs)),
    maxActive: policy.max_active ?? POLICY_DEFAULTS.maxActive,
    restart: {
      max: policy.restart?.max ?? POLICY_DEFAULTS.restart.max,
      backoffMs: ms(policy.restart?.backoff, POLICY_DEFAULTS.restart.backoffMs),
    },
    bonus: policy.bonus ?? POLICY_DEFAULTS.bonus,
    autoAnswer: answers.map((answer) => ({
      match: answer.match,
      send: typeof answer.send === 'string' ? [answer.send] : answer.send,
    })),
    escalateAfterMs: ms(policy.escalate_after, POLICY_DEFAULTS.escalateAfterMs),
    checkConcurrency: policy.check_concurrency ?? POLICY_DEFAULTS.checkConcurrency,
    budget: { worker: resolveLimits(policy.budget?.worker), fleet: resolveLimits(policy.budget?.fleet) },
    spawn: {
      maxChildren: policy.spawn?.max_children ?? POLICY_DEFAULTS.spawn.maxChildren,
      maxDepth: policy.spawn?.max_depth ?? POLICY_DEFAULTS.spawn.maxDepth,
    },
  };
}

export function resolveCheck(check: WrittenCheck): CheckSpec {
  return { name: check.name, run: check.run, timeoutMs: ms(check.timeout, CHECK_TIMEOUT_DEFAULT_MS) };
}

/** The fleet's checks in order, each replaced in place by the worker's check of the same name; the worker's new ones after. */
export function resolveChecks(
  fleet: readonly WrittenCheck[] | undefined,
  own: readonly WrittenCheck[] | undefined,
): CheckSpec[] {
  const mine = new Map((own ?? []).map((check) => [check.name, check]));
  const inherited = (fleet ?? []).map((check) => mine.get(check.name) ?? check);
  const added = (own ?? []).filter((check) => !(fleet ?? []).some((shared) => shared.name === check.name));
  return [...inherited, ...added].map(resolveCheck);
}

function resolveLimits(
  written: { usd?: number | undefined; tokens?: number | string | undefined } | undefined,
): BudgetLimits {
  return { usd: written?.usd, tokens: written?.tokens === undefined ? undefined : tokenCount(written.tokens) };
}

/** `5M` is 5,000,000 tokens and `500k` 500,000; the schema already checked the form. */
export function tokenCount(written: number | string): number {
  if (typeof written === 'number') return written;
  const unit = written.at(-1)?.toLowerCase();
  const scale = unit === 'k' ? 1_000 : unit === 'm' ? 1_000_000 : 1;
  return Math.round(Number(scale === 1 ? written : written.slice(0, -1)) * scale);
}

/** The config's `prices:` in the domain's form (cache prices default to 0). */
export function resolvePrices(written: WrittenConfig['prices']): PriceTable {
  return Object.fromEntries(
    Object.entries(written ?? {}).map(([model, price]) => [
      model,
      {
        input: price.input,
        output: price.output,
        cacheWrite: price.cache_write ?? 0,
        cacheRead: price.cache_read ?? 0,
      },
    ]),
  );
}
