import { readEventsFrom, readJson } from '../../adapters/state-files.js';
import { CzarError } from '../../domain/model/errors.js';
import { reviewLine } from '../../domain/text/review-text.js';
import { EMPTY_TALLY, sprintMetrics, tallyEvents } from '../../domain/status/metrics.js';
import type { SprintMetrics, FleetStatus } from '../../domain/status/status-schema.js';
import { sprintSummary, TASK_COLUMNS, taskCells } from '../../domain/text/metrics-text.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { out } from '../output.js';
import { formatTokens, formatUsd } from '../../domain/model/units.js';
import { printAgentStats } from './stats-agents.js';

export const statsCommand: Command = {
  name: 'stats',
  forWorkers: true,
  summary:
    "print the sprint's metrics: per task time to done, nudges, restarts, tokens and cost; per sprint pace, cost and autonomy; with --agents, each agent's record per task kind",
  usage: 'czar stats [-c czar.yaml] [--json] [--agents]',
  async run(args) {
    const options = { ...CONFIG_OPTION, json: { type: 'boolean' }, agents: { type: 'boolean' } } as const;
    const { values } = parse(this, args, options, 0);
    if (values.agents === true) return printAgentStats(values.json === true);
    const fleet = await fleetFrom(this, values.config);
    const status = await readJson<FleetStatus>(fleet.paths.status);
    if (status === undefined) {
      throw new CzarError(
        'no_status',
        `There is no ${fleet.paths.status} yet; start the fleet with "czar up" (the czar writes it once it runs).`,
      );
    }
    const { events } = readEventsFrom(fleet.paths, 0);
    const metrics = sprintMetrics(status, tallyEvents(EMPTY_TALLY, events), Date.now());
    if (values.json === true) out(JSON.stringify(metrics, null, 2));
    else for (const line of [...statsLines(metrics), ...checkpointLines(status), ...reviewLines(status)]) out(line);
    return 0;
  },
};

/** Each worker whose task has checkpoints: how many are done and the next one, under the table. */
function checkpointLines(status: FleetStatus): string[] {
  const listed = status.workers.flatMap(({ name, checkpoints }) =>
    checkpoints === undefined
      ? []
      : [
          `  ${name}: ${checkpoints.done}/${checkpoints.total}${checkpoints.next === undefined ? ', all done' : `, next ${checkpoints.next.number}. ${checkpoints.next.text}`}`,
        ],
  );
  return listed.length === 0 ? [] : ['checkpoints:', ...listed];
}

/** Each reviewed worker's review, under the table. */
function reviewLines(status: FleetStatus): string[] {
  const reviewed = status.workers.flatMap((worker) =>
    worker.review === undefined
      ? []
      : [`  ${worker.name}: ${reviewLine(worker.review)}${reviewSpend(worker.usage?.review)}`],
  );
  return reviewed.length === 0 ? [] : ['reviews:', ...reviewed];
}

/** ` · spent $0.05, 12.3k tokens on 2 review(s)`, when the reviewer said what it spent. */
function reviewSpend(part: NonNullable<FleetStatus['workers'][number]['usage']>['review']): string {
  if (part === undefined) return '';
  return ` · spent ${formatUsd({ usd: part.usd, unpriced: part.unpricedModels })}, ${formatTokens(part.tokens)} tokens on ${part.reviews} review(s)`;
}

const WIDTHS = [16, 14, 9, 9, 6, 8, 6, 8, 0];

/** `czar stats`: the sprint's two summary lines, then a padded table of its tasks. */
export function statsLines(metrics: SprintMetrics): string[] {
  const row = (cells: readonly string[]): string =>
    `  ${cells
      .map((cell, index) => cell.padEnd(WIDTHS[index] ?? 0))
      .join(' ')
      .trimEnd()}`;
  return [...sprintSummary(metrics), row(TASK_COLUMNS), ...metrics.tasks.map((task) => row(taskCells(task)))];
}
