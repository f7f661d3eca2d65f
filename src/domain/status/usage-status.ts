import { fleetSpend, workerSpend } from '../policy/budget.js';
import type { FleetModel, WorkerModel } from '../model/model.js';
import { costOfTasks, DEFAULT_PRICES, type PriceTable } from '../usage/prices.js';
import type { BudgetLimits } from '../model/config-types.js';
import type { FleetUsageStatus, StatusLimits, WorkerUsageStatus } from './status-schema.js';
import { reviewCost, type ReviewSpendEntry } from '../usage/review-usage.js';
import { byModel, EMPTY_USAGE, tokenTotal, ZERO_TOKENS, addTokens, type WorkerUsage } from '../usage/usage.js';

// As budget.ts's spend: one status per usage object, reviews and price table, not one per pass.
const statusCache = new WeakMap<
  object,
  {
    readonly reviews: readonly ReviewSpendEntry[] | undefined;
    readonly prices: PriceTable | undefined;
    readonly status: WorkerUsageStatus;
  }
>();

/**
 * A worker's usage as status.json shows it: its agent's records and its reviews (the `review` part says how much of
 * it the reviews were). Undefined when its agent keeps no records and no review spent anything (unknown, never zero).
 */
export function workerUsageStatus(worker: WorkerModel, fleet: FleetModel): WorkerUsageStatus | undefined {
  const reviews = worker.reviewUsage;
  const key = worker.usage ?? reviews;
  if (key === undefined) return undefined;
  const cached = statusCache.get(key);
  if (cached !== undefined && cached.prices === fleet.prices && cached.reviews === reviews) return cached.status;
  const status = usageStatus(worker, worker.usage ?? EMPTY_USAGE, reviews ?? [], fleet);
  if (status !== undefined) statusCache.set(key, { reviews, prices: fleet.prices, status });
  return status;
}

function usageStatus(
  worker: WorkerModel,
  usage: WorkerUsage,
  reviews: readonly ReviewSpendEntry[],
  fleet: FleetModel,
): WorkerUsageStatus | undefined {
  const spend = workerSpend(worker, fleet.prices);
  if (spend === undefined) return undefined;
  const prices = fleet.prices ?? DEFAULT_PRICES;
  const models = byModel(usage.tasks);
  const tokens = [...models, ...reviews.map((entry) => entry.usage.tokens)].reduce(addTokens, ZERO_TOKENS);
  const taskIds = [...new Set([...usage.tasks.map((task) => task.task), ...reviews.map((entry) => entry.task)])];
  const review = reviewCost(reviews, prices);
  return {
    ...tokens,
    tokens: tokenTotal(tokens),
    usd: spend.usd,
    unpricedModels: [...spend.unpriced],
    models: [...new Set([...models.map((entry) => entry.model), ...reviews.map((entry) => entry.usage.model)])],
    tasks: taskIds.map((task) => {
      const own = costOfTasks(
        usage.tasks.filter((entry) => entry.task === task),
        prices,
      );
      const ownTokens = byModel(usage.tasks.filter((entry) => entry.task === task)).reduce(
        (sum, entry) => sum + tokenTotal(entry),
        0,
      );
      const reviewed = reviews.filter((entry) => entry.task === task);
      const part = reviewCost(reviewed, prices);
      return {
        task,
        tokens: ownTokens + part.tokens,
        usd: own.usd + part.usd,
        unpricedModels: [...new Set([...own.unpriced, ...part.unpriced])],
        ...(reviewed.length === 0 ? {} : { reviewTokens: part.tokens, reviewUsd: part.usd }),
      };
    }),
    ...(reviews.length === 0
      ? {}
      : {
          review: {
            reviews: new Set(reviews.map((entry) => entry.sha)).size,
            tokens: review.tokens,
            usd: review.usd,
            unpricedModels: [...review.unpriced],
          },
        }),
    files: usage.files,
    skippedLines: usage.skippedLines,
    ...(usage.lastAt === undefined ? {} : { lastAt: new Date(usage.lastAt).toISOString() }),
  };
}

/**
 * The fleet's spend and its burn rate: dollars per hour since the sprint started. Workers whose agents keep no
 * records are counted in `unknownWorkers`, so a total never passes for complete when it is not.
 */
export function fleetUsageStatus(fleet: FleetModel, startedAt: number, now: number): FleetUsageStatus {
  const spend = fleetSpend(fleet);
  const hours = Math.max(now - startedAt, 60_000) / 3_600_000;
  const launched = fleet.workers.filter((worker) => worker.launchedAt !== undefined);
  return {
    tokens: spend.tokens,
    usd: spend.usd,
    unpricedModels: [...spend.unpriced],
    usdPerHour: spend.usd / hours,
    unknownWorkers: launched.filter((worker) => worker.usage === undefined).map((worker) => worker.spec.name),
    budget: { worker: setLimits(fleet.policy.budget.worker), fleet: setLimits(fleet.policy.budget.fleet) },
  };
}

function setLimits(limits: BudgetLimits): StatusLimits {
  return {
    ...(limits.usd === undefined ? {} : { usd: limits.usd }),
    ...(limits.tokens === undefined ? {} : { tokens: limits.tokens }),
  };
}
