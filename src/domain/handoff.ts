import { neutraliseControls } from './sanitize.js';
import type { Alert, FleetEvent, WorkerState } from './types.js';

/**
 * The sprint's handoff: what each worker delivered, what the integration branch holds and what it leaves out, what
 * is left for the person, and how much of the sprint ran without them. The shell gathers the facts (status, git,
 * events, the integration record); rendering is pure.
 */

export interface FileLines {
  readonly file: string;
  readonly insertions: number;
  readonly deletions: number;
  readonly binary: boolean;
}

export interface PullRequestFacts {
  readonly url: string;
  readonly state: string;
}

export interface WorkerHandoff {
  readonly name: string;
  readonly task: string;
  readonly state: WorkerState;
  /** Proven finished: for now done with commits beyond its task's start (switches to `verified`). */
  readonly verified: boolean;
  readonly branch: string;
  readonly commits: readonly { readonly sha: string; readonly subject: string }[];
  readonly files: readonly FileLines[];
  /** One line per check outcome known for this branch (the integration checks today). */
  readonly checks: readonly string[];
  readonly resultFile?: string | undefined;
  readonly alerts: readonly Alert[];
  readonly nudges: number;
  readonly restarts: number;
  readonly timeToDoneMs?: number | undefined;
  readonly timeToVerifiedMs?: number | undefined;
  readonly integrated: boolean;
  readonly pr?: PullRequestFacts | undefined;
}

export interface IntegrationHandoff {
  readonly branch: string;
  readonly tip?: string | undefined;
  readonly holds: readonly string[];
  readonly leftOut: readonly { readonly worker: string; readonly reason: string }[];
  readonly conflicts: readonly { readonly worker: string; readonly files: readonly string[] }[];
  readonly baseConflict?: readonly string[] | undefined;
  readonly baseAdvanced: boolean;
  readonly pr?: PullRequestFacts | undefined;
}

export interface Autonomy {
  readonly person: number;
  readonly czar: number;
  /** czar / (czar + person), 0-100; undefined when nobody acted. */
  readonly percent?: number | undefined;
}

export interface HandoffFacts {
  readonly project: string;
  readonly base: string;
  readonly startedAt: string;
  readonly writtenAt: string;
  readonly sprintOver: boolean;
  readonly workers: readonly WorkerHandoff[];
  readonly integration: IntegrationHandoff;
  readonly autonomy: Autonomy;
}

/** Events that are the czar acting on its own. */
const CZAR_ACTIONS = new Set(['launch', 'deliver_task', 'nudge', 'rebrief', 'realign', 'auto_answer', 'tell_dependent', 'fixup', 'integrated', 'integration_undone', 'base_advanced', 'pr_opened', 'restart', 'bonus']);
/** Events that are the person acting (requests from the CLI or the dashboard). */
const PERSON_ACTIONS = new Set(['send', 'pause', 'resume']);

/** Whether an event is the person's action, the czar's, or neither (observations, reports, bookkeeping). */
export function actor(event: FleetEvent): 'person' | 'czar' | undefined {
  if (PERSON_ACTIONS.has(event.kind)) return 'person';
  // A restart or bonus the person asked for is logged by the same code path as the czar's own.
  if ((event.kind === 'restart' || event.kind === 'bonus') && event.message.includes('asked by the person')) return 'person';
  return CZAR_ACTIONS.has(event.kind) ? 'czar' : undefined;
}

/** The sprint's autonomy figure from its event log. */
export function autonomy(events: readonly FleetEvent[]): Autonomy {
  let person = 0;
  let czar = 0;
  for (const event of events) {
    const who = actor(event);
    if (who === 'person') person++;
    else if (who === 'czar') czar++;
  }
  return { person, czar, percent: person + czar === 0 ? undefined : Math.round((czar / (person + czar)) * 1000) / 10 };
}

/** How long from a worker's launch to its first event matching `reached`, from the event log. */
export function timeTo(events: readonly FleetEvent[], worker: string, reached: (event: FleetEvent) => boolean): number | undefined {
  const launch = events.find((event) => event.worker === worker && (event.kind === 'launch' || event.kind === 'session_started'));
  const at = events.find((event) => event.worker === worker && reached(event));
  if (launch === undefined || at === undefined) return undefined;
  const ms = Date.parse(at.at) - Date.parse(launch.at);
  return Number.isNaN(ms) || ms < 0 ? undefined : ms;
}

export function countEvents(events: readonly FleetEvent[], worker: string, kind: string): number {
  return events.filter((event) => event.worker === worker && event.kind === kind).length;
}

/** What only the person can do now, one line each. */
export function leftForPerson(facts: Omit<HandoffFacts, 'autonomy'>): string[] {
  const lines: string[] = [];
  for (const worker of facts.workers) {
    if (!worker.verified) lines.push(`${worker.name} is ${worker.state}, not finished: look at it with "czar attach ${worker.name}"`);
    for (const alert of worker.alerts) lines.push(`${worker.name}: ${alert.kind}: ${alert.message}`);
  }
  for (const conflict of facts.integration.conflicts) lines.push(`${conflict.worker} conflicts with ${facts.integration.branch} in ${conflict.files.join(', ')}: its fix-up is pending`);
  if (facts.integration.baseConflict !== undefined) lines.push(`${facts.base} moved and does not merge into ${facts.integration.branch}${facts.integration.baseConflict.length === 0 ? '' : ` (${facts.integration.baseConflict.join(', ')})`}: resolve it by hand`);
  if (facts.integration.holds.length > 0 && !facts.integration.baseAdvanced) {
    lines.push(facts.integration.pr === undefined ? `review ${facts.integration.branch} and merge it into ${facts.base}` : `review and merge the integration pull request ${facts.integration.pr.url}`);
  }
  return lines;
}

const safe = (text: string): string => neutraliseControls(text).replace(/\n/g, ' ');

function duration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m ${seconds % 60}s` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** HANDOFF.md. Worker-written text (subjects, alerts, paths) is shown with control characters made visible. */
export function renderHandoff(facts: HandoffFacts): string {
  const lines: string[] = [];
  const verified = facts.workers.filter((worker) => worker.verified).length;
  lines.push(`# Handoff: ${safe(facts.project)}`, '');
  lines.push(`Sprint ${facts.sprintOver ? 'over' : 'in progress'} · started ${facts.startedAt} · written ${facts.writtenAt} · base \`${facts.base}\``);
  lines.push(`${verified} of ${facts.workers.length} worker(s) finished · ${facts.integration.holds.length} integrated into \`${facts.integration.branch}\``, '');

  lines.push('## Workers', '');
  for (const worker of facts.workers) {
    lines.push(`### ${worker.name}: ${safe(worker.task)}`, '');
    lines.push(`- state: ${worker.state}${worker.verified ? ' (finished with evidence)' : ' (not finished)'}${worker.integrated ? `, integrated into \`${facts.integration.branch}\`` : ''}`);
    lines.push(`- branch: \`${worker.branch}\`, ${worker.commits.length} commit(s)`);
    for (const commit of worker.commits) lines.push(`  - ${commit.sha.slice(0, 10)} ${safe(commit.subject)}`);
    const added = worker.files.reduce((sum, file) => sum + file.insertions, 0);
    const removed = worker.files.reduce((sum, file) => sum + file.deletions, 0);
    lines.push(`- files: ${worker.files.length} (+${added} -${removed})`);
    for (const file of worker.files) lines.push(`  - \`${safe(file.file)}\` ${file.binary ? 'binary' : `+${file.insertions} -${file.deletions}`}`);
    lines.push(`- checks: ${worker.checks.length === 0 ? 'none run' : worker.checks.map(safe).join('; ')}`);
    lines.push(`- result file: ${worker.resultFile === undefined ? 'none' : `\`${safe(worker.resultFile)}\``}`);
    lines.push(`- alerts: ${worker.alerts.length === 0 ? 'none' : worker.alerts.map((alert) => `${alert.kind}: ${safe(alert.message)}`).join('; ')}`);
    lines.push(`- nudges: ${worker.nudges} · restarts: ${worker.restarts}`);
    lines.push(`- time to done: ${duration(worker.timeToDoneMs)} · time to verified: ${duration(worker.timeToVerifiedMs)}`);
    if (worker.pr !== undefined) lines.push(`- pull request: ${worker.pr.url} (${worker.pr.state})`);
    lines.push('');
  }

  const integration = facts.integration;
  lines.push(`## Integration branch \`${integration.branch}\``, '');
  lines.push(`- tip: ${integration.tip === undefined ? 'not created' : integration.tip.slice(0, 10)}${integration.baseAdvanced ? ` (base \`${facts.base}\` fast-forwarded to it)` : ''}`);
  lines.push(`- holds: ${integration.holds.length === 0 ? 'nothing yet' : integration.holds.join(', ')}`);
  lines.push(`- left out: ${integration.leftOut.length === 0 ? 'nothing' : ''}`);
  for (const entry of integration.leftOut) lines.push(`  - ${entry.worker}: ${safe(entry.reason)}`);
  lines.push(`- outstanding conflicts: ${integration.conflicts.length === 0 && integration.baseConflict === undefined ? 'none' : ''}`);
  for (const conflict of integration.conflicts) lines.push(`  - ${conflict.worker}: ${conflict.files.map(safe).join(', ')}`);
  if (integration.baseConflict !== undefined) lines.push(`  - base \`${facts.base}\`: ${integration.baseConflict.join(', ') || 'its merge fails the checks'}`);
  if (integration.pr !== undefined) lines.push(`- pull request: ${integration.pr.url} (${integration.pr.state})`);
  lines.push('');

  lines.push('## Left for you', '');
  const left = leftForPerson(facts);
  lines.push(...(left.length === 0 ? ['Nothing: every piece is finished and in base.'] : left.map((line) => `- ${safe(line)}`)), '');

  lines.push('## Autonomy', '');
  const { person, czar, percent } = facts.autonomy;
  lines.push(`The czar acted ${czar} time(s) on its own; you acted ${person} time(s)${percent === undefined ? '.' : `: ${percent}% autonomous.`}`, '');
  return lines.join('\n');
}
