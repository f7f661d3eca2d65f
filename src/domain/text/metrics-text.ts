import { formatTokens, formatUsd, duration } from '../model/units.js';
import type { SprintMetrics, TaskMetrics } from '../status/status-schema.js';

/** How `czar stats` and HANDOFF.md word the sprint metrics: one wording, so the two never disagree. */

const money = (usd: number | undefined, unpriced: readonly string[] = []): string =>
  usd === undefined ? 'unknown' : formatUsd({ usd, unpriced });
const time = (ms: number | undefined): string => (ms === undefined ? '-' : duration(ms));

/** `66.7`: the autonomy figure as a percentage, to a tenth. */
export function autonomyPercent(autonomy: number): number {
  return Math.round(autonomy * 1000) / 10;
}

/** The sprint in two lines: pace and autonomy; cost, tokens, burn rate and cost per done task. */
export function sprintSummary(metrics: SprintMetrics): [string, string] {
  const autonomy =
    metrics.autonomy === undefined
      ? 'no actions yet'
      : `${autonomyPercent(metrics.autonomy)}% (czar ${metrics.czarActions}, person ${metrics.personActions})`;
  return [
    `sprint ${duration(metrics.hours * 3_600_000)} · ${metrics.tasksDone} task(s) done, ${metrics.tasksPerHour.toFixed(1)}/h · autonomy ${autonomy}`,
    `cost ${money(metrics.usd)} · ${metrics.tokens === undefined ? 'tokens unknown' : `${formatTokens(metrics.tokens)} tokens`} · burn ${metrics.usdPerHour === undefined ? 'unknown' : `${money(metrics.usdPerHour)}/h`} · per done task ${money(metrics.usdPerDoneTask)}`,
  ];
}

export const TASK_COLUMNS = [
  'task',
  'worker',
  'done in',
  'verified',
  'nudges',
  'restarts',
  'person',
  'tokens',
  'cost',
] as const;

/** One task's row, a cell per `TASK_COLUMNS` entry; tokens and cost say `unknown` for agents without records. */
export function taskCells(task: TaskMetrics): string[] {
  return [
    task.task,
    task.worker,
    time(task.toDoneMs),
    time(task.toVerifiedMs),
    String(task.nudges),
    String(task.restarts),
    String(task.personActions),
    task.tokens === undefined ? 'unknown' : formatTokens(task.tokens),
    task.tokens === undefined
      ? 'unknown'
      : money(task.usd, task.unpricedModels) + childrenPart(task.children) + reviewPart(task.reviewUsd),
  ];
}

/** ` (children $0.40, 8m)`: how much of a task's cost the workers it spawned were, and their time to done once they have some. */
function childrenPart(children: TaskMetrics['children']): string {
  return children === undefined
    ? ''
    : ` (children ${money(children.usd, children.unpricedModels)}${children.ms > 0 ? `, ${time(children.ms)}` : ''})`;
}

/** ` (review $0.05)`: how much of a task's cost its reviews were. */
function reviewPart(usd: number | undefined): string {
  return usd === undefined ? '' : ` (review ${money(usd)})`;
}
