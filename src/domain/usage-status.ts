import { fleetSpend, workerSpend } from './budget.js';
import type { FleetModel, WorkerModel } from './model.js';
import { costOfTasks, DEFAULT_PRICES, type PriceTable } from './prices.js';
import type { BudgetLimits } from './config-types.js';
import type { FleetUsageStatus, StatusLimits, WorkerUsageStatus } from './status-schema.js';
import { byModel, tokenTotal, ZERO_TOKENS, addTokens, type WorkerUsage } from './usage.js';

// As budget.ts's spend: one status per usage object and price table, not one per pass.
const statusCache = new WeakMap<
  WorkerUsage,
  { readonly prices: PriceTable | undefined; readonly status: WorkerUsageStatus }
>();

/** A worker's usage as status.json shows it; undefined when its agent keeps no records (unknown, never zero). */
export function workerUsageStatus(worker: WorkerModel, fleet: FleetModel): WorkerUsageStatus | undefined {
  const usage = worker.usage;
  if (usage === undefined) return undefined;
  const cached = statusCache.get(usage);
  if (cached !== undefined && cached.prices === fleet.prices) return cached.status;
  const status = usageStatus(worker, usage, fleet);
  if (status !== undefined) statusCache.set(usage, { prices: fleet.prices, status });
  return status;
}

function usageStatus(worker: WorkerModel, usage: WorkerUsage, fleet: FleetModel): WorkerUsageStatus | undefined {
  const spend = workerSpend(worker, fleet.prices);
  if (spend === undefined) return undefined;
  const prices = fleet.prices ?? DEFAULT_PRICES;
  const tokens = byModel(usage.tasks).reduce((sum, entry) => addTokens(sum, entry), ZERO_TOKENS);
  return {
    ...tokens,
    tokens: tokenTotal(tokens),
    usd: spend.usd,
    unpricedModels: [...spend.unpriced],
    models: byModel(usage.tasks).map((entry) => entry.model),
    tasks: usage.tasks.map((task) => {
      const cost = costOfTasks([task], prices);
      return {
        task: task.task,
        tokens: byModel([task]).reduce((sum, entry) => sum + tokenTotal(entry), 0),
        usd: cost.usd,
        unpricedModels: [...cost.unpriced],
      };
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
