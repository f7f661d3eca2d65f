import type { FleetModel, WorkerMemory, WorkerModel } from '../model/model.js';
import type { Action } from './actions.js';
import { costOfTasks, DEFAULT_PRICES, type PriceTable } from '../usage/prices.js';
import { reviewCost, type ReviewSpendEntry } from '../usage/review-usage.js';
import type { BudgetLimits } from '../model/config-types.js';
import { byModel, tokenTotal, type WorkerUsage } from '../usage/usage.js';
import { formatTokens, formatUsd } from '../model/units.js';

/** Share of a limit at which the person is warned. */
export const WARN_AT = 0.8;

/** What a worker or the fleet spent: dollars for priced models, and models whose price is unknown. */
export interface Spend {
  readonly usd: number;
  readonly tokens: number;
  readonly unpriced: readonly string[];
}

export const NO_SPEND: Spend = { usd: 0, tokens: 0, unpriced: [] };

// Spend per usage object and price table: the czar asks on every pass (status, budgets, metrics) while a usage
// object only changes when its records grow, so it is priced once (this was a top cost of a quiet fleet's pass).
const spendCache = new WeakMap<WorkerUsage, { readonly prices: PriceTable; readonly spend: Spend }>();
const reviewCache = new WeakMap<readonly ReviewSpendEntry[], { readonly prices: PriceTable; readonly spend: Spend }>();

/**
 * A worker's spend: its agent's records and the reviews of its branch. Undefined when its agent keeps no records and
 * no review spent anything (unknown, never zero).
 */
export function workerSpend(worker: WorkerModel, prices: PriceTable = DEFAULT_PRICES): Spend | undefined {
  const own = worker.usage === undefined ? undefined : recordsSpend(worker.usage, prices);
  const reviews = worker.reviewUsage === undefined ? undefined : reviewsSpend(worker.reviewUsage, prices);
  if (reviews === undefined) return own;
  return own === undefined ? reviews : addSpend(own, reviews);
}

function reviewsSpend(entries: readonly ReviewSpendEntry[], prices: PriceTable): Spend {
  const cached = reviewCache.get(entries);
  if (cached?.prices === prices) return cached.spend;
  const spend = reviewCost(entries, prices);
  reviewCache.set(entries, { prices, spend });
  return spend;
}

function recordsSpend(usage: WorkerUsage, prices: PriceTable): Spend {
  const cached = spendCache.get(usage);
  if (cached?.prices === prices) return cached.spend;
  const cost = costOfTasks(usage.tasks, prices);
  const spend = {
    usd: cost.usd,
    tokens: byModel(usage.tasks).reduce((sum, entry) => sum + tokenTotal(entry), 0),
    unpriced: cost.unpriced,
  };
  spendCache.set(usage, { prices, spend });
  return spend;
}

export function addSpend(a: Spend, b: Spend): Spend {
  return { usd: a.usd + b.usd, tokens: a.tokens + b.tokens, unpriced: [...new Set([...a.unpriced, ...b.unpriced])] };
}

export function fleetSpend(fleet: FleetModel): Spend {
  return fleet.workers.reduce((sum, worker) => addSpend(sum, workerSpend(worker, fleet.prices) ?? NO_SPEND), NO_SPEND);
}

/**
 * What counts against a worker's budget: its own spend, or for a family of spawned workers the whole family's (a
 * child's budget is carved out of its parent's: parent and children share the one budget of the configured worker).
 */
function budgetSpend(fleet: FleetModel, worker: WorkerModel, family: readonly WorkerModel[]): Spend | undefined {
  if (family.length <= 1) return workerSpend(worker, fleet.prices);
  return family.reduce((sum, member) => addSpend(sum, workerSpend(member, fleet.prices) ?? NO_SPEND), NO_SPEND);
}

/**
 * Each worker's family by its name: the configured worker it descends from (itself for a configured worker) and all
 * that descend from that one, in fleet order. A parent loop stops after as many hops as there are workers.
 */
function familiesOf(fleet: FleetModel): Map<string, readonly WorkerModel[]> {
  const byName = new Map(fleet.workers.map((worker) => [worker.spec.name, worker]));
  const rootOf = (worker: WorkerModel): string => {
    let root = worker;
    for (let hops = 0; root.spec.parent !== undefined && hops < fleet.workers.length; hops++)
      root = byName.get(root.spec.parent) ?? root;
    return root.spec.name;
  };
  const byRoot = new Map<string, WorkerModel[]>();
  const roots = fleet.workers.map((worker) => {
    const root = rootOf(worker);
    const members = byRoot.get(root) ?? [];
    members.push(worker);
    byRoot.set(root, members);
    return root;
  });
  return new Map(fleet.workers.map((worker, index) => [worker.spec.name, byRoot.get(roots[index] ?? '') ?? [worker]]));
}

type LimitKind = 'usd' | 'tokens';

/** Each limit set, with how much of it is spent (1 = all of it). */
function shares(spend: Spend, limits: BudgetLimits): { kind: LimitKind; share: number; text: string }[] {
  const found: { kind: LimitKind; share: number; text: string }[] = [];
  if (limits.usd !== undefined)
    found.push({ kind: 'usd', share: spend.usd / limits.usd, text: `${formatUsd(spend)} of $${limits.usd}` });
  if (limits.tokens !== undefined)
    found.push({
      kind: 'tokens',
      share: spend.tokens / limits.tokens,
      text: `${formatTokens(spend.tokens)} of ${formatTokens(limits.tokens)} tokens`,
    });
  return found;
}

function sinceResume(spend: Spend, memory: WorkerMemory): Spend {
  const offset = memory.budgetOffset;
  return offset === undefined ? spend : { ...spend, usd: spend.usd - offset.usd, tokens: spend.tokens - offset.tokens };
}

/**
 * The budget part of the policy, run first in each pass: warns at 80% of a limit; at 100% interrupts the worker's
 * turn (its agent's own interrupt key; the agent and its work stay) and marks it over budget, which `classify`
 * turns into the `over_budget` state that receives nothing more; lifts the mark when the limit was raised. Pure,
 * and settled: a second call with the same facts yields no actions.
 */
export function checkBudgets(fleet: FleetModel, now: number): { fleet: FleetModel; actions: Action[] } {
  const actions: Action[] = [];
  const families = familiesOf(fleet);
  const workers = fleet.workers.map((worker): WorkerModel => {
    const spend = budgetSpend(fleet, worker, families.get(worker.spec.name) ?? [worker]);
    if (spend === undefined || worker.launchedAt === undefined || worker.memory.stopped) return worker;
    const told = actions.length;
    const memory = { ...worker.memory };
    const name = worker.spec.name;
    const found = shares(sinceResume(spend, memory), workerLimits(fleet, name));
    const over = found.find((limit) => limit.share >= 1);
    if (over !== undefined && memory.overBudget === undefined) {
      const reason = `spent ${over.text}: its budget`;
      memory.overBudget = { at: now, reason: `over budget: ${over.text}` };
      if (worker.pane?.alive === true) actions.push({ kind: 'interrupt', worker: name, reason });
      actions.push({
        kind: 'alert',
        worker: name,
        alert: {
          kind: 'budget',
          message: `over budget (${over.text}); its turn was interrupted and it gets nothing more until you raise the budget or run "czar resume ${name}"`,
          since: new Date(now).toISOString(),
        },
        reason,
      });
      actions.push({
        kind: 'notify',
        worker: name,
        episode: 'over_budget',
        summary: `${name} is over budget: ${over.text}; raise policy.budget and run "czar up", or "czar resume ${name}"`,
        reason,
      });
      memory.notified = [...memory.notified, 'over_budget'];
    } else if (over === undefined && memory.overBudget !== undefined) {
      memory.overBudget = undefined;
      actions.push({
        kind: 'event',
        worker: name,
        event: 'budget_raised',
        message: 'back under budget',
        reason: found.map((limit) => limit.text).join(', ') || 'no worker budget set',
      });
    }
    for (const limit of found) {
      const warned = memory.budgetWarned ?? [];
      if (limit.share < WARN_AT || limit.share >= 1 || warned.includes(limit.kind)) continue;
      memory.budgetWarned = [...warned, limit.kind];
      actions.push({
        kind: 'alert',
        worker: name,
        alert: {
          kind: 'budget',
          message: `has spent ${Math.floor(limit.share * 100)}% of its budget (${limit.text})`,
          since: new Date(now).toISOString(),
        },
        reason: `${limit.text} is past ${WARN_AT * 100}%`,
      });
    }
    // Every change of its memory comes with an action: a worker with none keeps its identity (see policy/rest.ts).
    return actions.length === told ? worker : { ...worker, memory };
  });
  const next = { ...fleet, workers };
  return { fleet: checkFleetBudget(next, actions), actions };
}

/** Warnings for the fleet budget, once each, attributed to the worker that spent last (actions name a worker). */
function checkFleetBudget(fleet: FleetModel, actions: Action[]): FleetModel {
  const found = shares(fleetSpend(fleet), fleet.policy.budget.fleet);
  const spender = [...fleet.workers].sort((a, b) => (b.usage?.lastAt ?? 0) - (a.usage?.lastAt ?? 0))[0];
  if (spender === undefined) return fleet;
  let warned = fleet.budgetWarned;
  for (const limit of found) {
    const key = limit.share >= 1 ? `${limit.kind}-spent` : limit.kind;
    if (limit.share < WARN_AT || (warned ?? []).includes(key)) continue;
    warned = [...(warned ?? []), key];
    const spent = limit.share >= 1;
    const message = spent
      ? `the fleet budget is spent (${limit.text}): bonus tasks are held`
      : `the fleet has spent ${Math.floor(limit.share * 100)}% of its budget (${limit.text})`;
    actions.push({
      kind: 'event',
      worker: spender.spec.name,
      event: spent ? 'fleet_budget_spent' : 'fleet_budget_warning',
      message,
      reason: `${spender.spec.name} spent last`,
    });
    if (spent)
      actions.push({
        kind: 'notify',
        worker: spender.spec.name,
        episode: 'over_budget',
        summary: `${message}; raise policy.budget.fleet and run "czar up"`,
        reason: message,
      });
  }
  return warned === fleet.budgetWarned ? fleet : { ...fleet, budgetWarned: warned };
}

/** The fleet budget is spent: no more bonus tasks are handed out. */
export function fleetBudgetSpent(fleet: FleetModel): boolean {
  return shares(fleetSpend(fleet), fleet.policy.budget.fleet).some((limit) => limit.share >= 1);
}

/** The person resumed a worker (`czar resume`): an over-budget worker gets a fresh budget of the same size from here. */
export function resumeBudget(fleet: FleetModel, worker: string): FleetModel {
  return {
    ...fleet,
    workers: fleet.workers.map((model) => {
      if (model.spec.name !== worker || model.memory.overBudget === undefined) return model;
      const spend = workerSpend(model, fleet.prices) ?? NO_SPEND;
      return {
        ...model,
        memory: {
          ...model.memory,
          overBudget: undefined,
          budgetWarned: [],
          budgetOffset: { usd: spend.usd, tokens: spend.tokens },
        },
      };
    }),
  };
}

/** A worker's limits: the policy's, with the dollar limit the person set for it in place of the policy's. */
export function workerLimits(fleet: FleetModel, worker: string): BudgetLimits {
  const { budget } = fleet.policy;
  const usd = budget.setUsd?.[worker];
  return usd === undefined ? budget.worker : { ...budget.worker, usd };
}

/**
 * The person set a dollar limit (`czar budget`), kept in the policy the czar holds until it stops: a worker's
 * counts all it spent (a resume's fresh start is over), the fleet's replaces `fleet.usd`. The pass's budget check
 * then lifts or sets the over-budget mark against it. Returns the fleet and one sentence saying what changed.
 */
export function setBudget(
  fleet: FleetModel,
  worker: string | undefined,
  usd: number,
): { fleet: FleetModel; message: string } {
  const { budget } = fleet.policy;
  const was = (limit: number | undefined): string => (limit === undefined ? 'none' : `$${limit}`);
  if (worker === undefined)
    return {
      fleet: {
        ...fleet,
        budgetWarned: [],
        policy: { ...fleet.policy, budget: { ...budget, fleet: { ...budget.fleet, usd } } },
      },
      message: `set the fleet budget to $${usd} (it was ${was(budget.fleet.usd)})`,
    };
  const before = workerLimits(fleet, worker).usd;
  const workers = fleet.workers.map((model) =>
    model.spec.name === worker
      ? { ...model, memory: { ...model.memory, budgetOffset: undefined, budgetWarned: [] } }
      : model,
  );
  return {
    fleet: {
      ...fleet,
      workers,
      policy: { ...fleet.policy, budget: { ...budget, setUsd: { ...budget.setUsd, [worker]: usd } } },
    },
    message: `set the budget of ${worker} to $${usd} (it was ${was(before)})`,
  };
}
