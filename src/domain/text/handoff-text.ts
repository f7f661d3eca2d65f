import type { HandoffFacts, SprintMetrics } from '../status/status-schema.js';
import { agentTableLines } from '../learning/agent-stats.js';
import { autonomyPercent, sprintSummary, TASK_COLUMNS, taskCells } from './metrics-text.js';
import { neutraliseControls } from '../model/sanitize.js';

/**
 * The sprint's handoff: what each worker delivered, what the integration branch holds and what it leaves out, what
 * is left for the person, and how much of the sprint ran without them. The shell gathers the facts (status, git,
 * events, the integration record); rendering is pure.
 */

/** What only the person can do now, one line each. */
export function leftForPerson(facts: Omit<HandoffFacts, 'metrics'>): string[] {
  const lines: string[] = [];
  for (const worker of facts.workers) {
    if (!worker.verified)
      lines.push(`${worker.name} is ${worker.state}, not finished: look at it with "czar attach ${worker.name}"`);
    for (const alert of worker.alerts) lines.push(`${worker.name}: ${alert.kind}: ${alert.message}`);
  }
  for (const conflict of facts.integration.conflicts)
    lines.push(
      `${conflict.worker} conflicts with ${facts.integration.branch} in ${conflict.files.join(', ')}: its fix-up is pending`,
    );
  if (facts.integration.baseConflict !== undefined)
    lines.push(
      `${facts.base} moved and does not merge into ${facts.integration.branch}${facts.integration.baseConflict.length === 0 ? '' : ` (${facts.integration.baseConflict.join(', ')})`}: resolve it by hand`,
    );
  if (facts.integration.holds.length > 0 && !facts.integration.baseAdvanced) {
    lines.push(
      facts.integration.pr === undefined
        ? `review ${facts.integration.branch} and merge it into ${facts.base}`
        : `review and merge the integration pull request ${facts.integration.pr.url}`,
    );
  }
  return lines;
}

const CHILD_OUTCOME = {
  merged: 'merged into its parent',
  cancelled: 'cancelled',
  open: 'neither merged nor cancelled',
} as const;

const safe = (text: string): string => neutraliseControls(text).replace(/\n/g, ' ');

/** HANDOFF.md. Worker-written text (subjects, alerts, paths) is shown with control characters made visible. */
export function renderHandoff(facts: HandoffFacts): string {
  const lines: string[] = [];
  const verified = facts.workers.filter((worker) => worker.verified).length;
  lines.push(`# Handoff: ${safe(facts.project)}`, '');
  lines.push(
    `Sprint ${facts.sprintOver ? 'over' : 'in progress'} · started ${facts.startedAt} · written ${facts.writtenAt} · base \`${facts.base}\``,
  );
  lines.push(
    `${verified} of ${facts.workers.length} worker(s) finished · ${facts.integration.holds.length} integrated into \`${facts.integration.branch}\``,
    '',
  );

  lines.push('## Workers', '');
  for (const worker of facts.workers) {
    lines.push(`### ${worker.name}: ${safe(worker.task)}`, '');
    lines.push(
      `- state: ${worker.state}${worker.verified ? ' (finished with evidence)' : ' (not finished)'}${worker.integrated ? `, integrated into \`${facts.integration.branch}\`` : ''}`,
    );
    lines.push(`- branch: \`${worker.branch}\`, ${worker.commits.length} commit(s)`);
    for (const commit of worker.commits) lines.push(`  - ${commit.sha.slice(0, 10)} ${safe(commit.subject)}`);
    const added = worker.files.reduce((sum, file) => sum + file.insertions, 0);
    const removed = worker.files.reduce((sum, file) => sum + file.deletions, 0);
    lines.push(`- files: ${worker.files.length} (+${added} -${removed})`);
    for (const file of worker.files)
      lines.push(`  - \`${safe(file.file)}\` ${file.binary ? 'binary' : `+${file.insertions} -${file.deletions}`}`);
    lines.push(`- checks: ${worker.checks.length === 0 ? 'none run' : worker.checks.map(safe).join('; ')}`);
    lines.push(`- result file: ${worker.resultFile === undefined ? 'none' : `\`${safe(worker.resultFile)}\``}`);
    lines.push(
      `- alerts: ${worker.alerts.length === 0 ? 'none' : worker.alerts.map((alert) => `${alert.kind}: ${safe(alert.message)}`).join('; ')}`,
    );
    lines.push(`- restarts: ${worker.restarts}`);
    const checkpoints = worker.checkpoints;
    if (checkpoints !== undefined) {
      lines.push(`- checkpoints: ${checkpoints.done}/${checkpoints.total}`);
      checkpoints.items.forEach((item, index) =>
        lines.push(
          `  - ${index + 1}. [${item.doneAt === undefined ? ' ' : 'x'}] ${safe(item.text)}${item.commit === undefined ? '' : ` (${item.commit.slice(0, 10)})`}`,
        ),
      );
    }
    if (worker.pr !== undefined) lines.push(`- pull request: ${worker.pr.url} (${worker.pr.state})`);
    if (worker.children !== undefined) {
      lines.push(`- children: ${worker.children.length}`);
      for (const child of worker.children)
        lines.push(`  - ${child.name}: branch \`${child.branch}\`, ${CHILD_OUTCOME[child.outcome]}`);
    }
    lines.push('');
  }

  const integration = facts.integration;
  lines.push(`## Integration branch \`${integration.branch}\``, '');
  lines.push(
    `- tip: ${integration.tip === undefined ? 'not created' : integration.tip.slice(0, 10)}${integration.baseAdvanced ? ` (base \`${facts.base}\` fast-forwarded to it)` : ''}`,
  );
  lines.push(`- holds: ${integration.holds.length === 0 ? 'nothing yet' : integration.holds.join(', ')}`);
  lines.push(`- left out: ${integration.leftOut.length === 0 ? 'nothing' : ''}`);
  for (const entry of integration.leftOut) lines.push(`  - ${entry.worker}: ${safe(entry.reason)}`);
  lines.push(
    `- outstanding conflicts: ${integration.conflicts.length === 0 && integration.baseConflict === undefined ? 'none' : ''}`,
  );
  for (const conflict of integration.conflicts)
    lines.push(`  - ${conflict.worker}: ${conflict.files.map(safe).join(', ')}`);
  if (integration.baseConflict !== undefined)
    lines.push(`  - base \`${facts.base}\`: ${integration.baseConflict.join(', ') || 'its merge fails the checks'}`);
  if (integration.pr !== undefined) lines.push(`- pull request: ${integration.pr.url} (${integration.pr.state})`);
  lines.push('');

  lines.push('## Left for you', '');
  const left = leftForPerson(facts);
  lines.push(
    ...(left.length === 0 ? ['Nothing: every piece is finished and in base.'] : left.map((line) => `- ${safe(line)}`)),
    '',
  );

  lines.push(...metricsSection(facts.metrics));
  if (facts.agents !== undefined && facts.agents.length > 0)
    lines.push(
      '## Agents in this repository',
      '',
      'What czar recorded of each agent per task kind (`czar stats --agents`):',
      '',
      '```text',
      ...agentTableLines(facts.agents).map(safe),
      '```',
      '',
    );
  return lines.join('\n');
}

/** The sprint's pace and cost, a table of its tasks (bonus tasks included), and the autonomy figure. */
function metricsSection(metrics: SprintMetrics): string[] {
  const row = (cells: readonly string[]): string =>
    `| ${cells.map((cell) => safe(cell).replace(/\|/g, '\\|')).join(' | ')} |`;
  const { czarActions, personActions, autonomy } = metrics;
  return [
    '## Metrics',
    '',
    ...sprintSummary(metrics).map((line) => `${line}  `),
    '',
    row(TASK_COLUMNS),
    row(TASK_COLUMNS.map(() => '---')),
    ...metrics.tasks.map((task) => row(taskCells(task))),
    '',
    '## Autonomy',
    '',
    `The czar acted ${czarActions} time(s) on its own; you acted ${personActions} time(s)${autonomy === undefined ? '.' : `: ${autonomyPercent(autonomy)}% autonomous.`}`,
    '',
  ];
}
