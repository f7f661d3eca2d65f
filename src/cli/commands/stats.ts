import { readEventsFrom, readJson } from '../../adapters/state-files.js';
import { formatTokens, formatUsd } from '../../domain/budget.js';
import { duration } from '../../domain/classify.js';
import { CzarError } from '../../domain/errors.js';
import { sprintMetrics, type SprintMetrics, type TaskMetrics } from '../../domain/metrics.js';
import type { FleetStatus } from '../../domain/types.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { out } from '../output.js';

export const statsCommand: Command = {
  name: 'stats',
  summary: 'print the sprint\'s metrics: per task time to done, nudges, restarts, tokens and cost; per sprint pace, cost and autonomy',
  usage: 'czar stats [-c czar.yaml] [--json]',
  async run(args) {
    const { values } = parse(this, args, { ...CONFIG_OPTION, json: { type: 'boolean' } }, 0);
    const fleet = await fleetFrom(values.config);
    const status = await readJson<FleetStatus>(fleet.paths.status);
    if (status === undefined) {
      throw new CzarError('no_status', `There is no ${fleet.paths.status} yet; start the fleet with "czar up" (the czar writes it once it runs).`);
    }
    const { events } = await readEventsFrom(fleet.paths, 0);
    const metrics = sprintMetrics(status, events, Date.now());
    if (values.json === true) out(JSON.stringify(metrics, null, 2));
    else for (const line of statsLines(metrics)) out(line);
    return 0;
  },
};

const money = (usd: number | undefined, unpriced: readonly string[] = []): string => (usd === undefined ? 'unknown' : formatUsd({ usd, unpriced }));

export function statsLines(metrics: SprintMetrics): string[] {
  const autonomy = metrics.autonomy === undefined ? 'no actions yet' : `${Math.round(metrics.autonomy * 100)}% (czar ${metrics.czarActions}, person ${metrics.personActions})`;
  return [
    `sprint ${duration(metrics.hours * 3_600_000)} · ${metrics.tasksDone} task(s) done, ${metrics.tasksPerHour.toFixed(1)}/h · autonomy ${autonomy}`,
    `cost ${money(metrics.usd)} · ${metrics.tokens === undefined ? 'tokens unknown' : `${formatTokens(metrics.tokens)} tokens`} · burn ${metrics.usdPerHour === undefined ? 'unknown' : `${money(metrics.usdPerHour)}/h`} · per done task ${money(metrics.usdPerDoneTask)}`,
    `  ${'task'.padEnd(16)} ${'worker'.padEnd(14)} ${'done in'.padEnd(9)} ${'verified'.padEnd(9)} nudges restarts person ${'tokens'.padEnd(8)} cost`,
    ...metrics.tasks.map(taskLine),
  ];
}

function taskLine(task: TaskMetrics): string {
  const time = (ms: number | undefined): string => (ms === undefined ? '-' : duration(ms));
  return `  ${task.task.padEnd(16)} ${task.worker.padEnd(14)} ${time(task.toDoneMs).padEnd(9)} ${time(task.toVerifiedMs).padEnd(9)} ${String(task.nudges).padEnd(6)} ${String(task.restarts).padEnd(8)} ${String(task.personActions).padEnd(6)} ${(task.tokens === undefined ? 'unknown' : formatTokens(task.tokens)).padEnd(8)} ${task.tokens === undefined ? 'unknown' : money(task.usd, task.unpricedModels)}`;
}
