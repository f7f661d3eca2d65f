/**
 * Pure text helpers for the dashboard: durations, truncation, state badges, alert tags, and how columns are
 * shared out for a terminal width. No React here, so all of it is unit-tested directly.
 */
import { formatTokens, formatUsd } from '../domain/model/units.js';
import type { AlertKind, WorkerState } from '../domain/model/words.js';
import type { FleetStatus, WorkerStatus } from '../domain/status/status-schema.js';
import { familyDepth, nameCell, owedPrefix } from './family.js';

/** Colour names ink understands; the symbol and label carry the meaning without colour. */
export type Tone = 'green' | 'yellow' | 'magenta' | 'cyan' | 'red' | 'blue' | 'gray';

export interface StateBadge {
  readonly symbol: string;
  readonly label: string;
  readonly color: Tone;
}

const BADGES: Readonly<Record<WorkerState, StateBadge>> = {
  queued: { symbol: '…', label: 'queued', color: 'gray' },
  starting: { symbol: '◌', label: 'starting', color: 'blue' },
  working: { symbol: '●', label: 'working', color: 'green' },
  idle: { symbol: '○', label: 'idle', color: 'yellow' },
  waiting: { symbol: '?', label: 'waiting', color: 'magenta' },
  blocked: { symbol: '■', label: 'blocked', color: 'yellow' },
  stuck: { symbol: '!', label: 'stuck', color: 'red' },
  crashed: { symbol: '✗', label: 'crashed', color: 'red' },
  done: { symbol: '✓', label: 'done', color: 'cyan' },
  verified: { symbol: '✔', label: 'verified', color: 'green' },
  stopped: { symbol: '-', label: 'stopped', color: 'gray' },
  api_error: { symbol: '↯', label: 'api fail', color: 'red' },
  over_budget: { symbol: '$', label: 'budget', color: 'red' },
  worktree_missing: { symbol: '⌀', label: 'no tree', color: 'red' },
};

export function stateBadge(state: WorkerState): StateBadge {
  return BADGES[state];
}

/** `● working`: readable without colour. */
export function stateText(state: WorkerState): string {
  const badge = BADGES[state];
  return `${badge.symbol} ${badge.label}`;
}

const ALERT_TAGS: Readonly<Record<AlertKind, string>> = {
  off_scope: 'off-scope',
  off_task: 'off-task',
  overlap: 'overlap',
  waiting_input: 'input?',
  crashed: 'crashed',
  stuck: 'stuck',
  conflict: 'conflict',
  no_evidence: 'no-proof',
  bad_report: 'bad-report',
  delivery_failed: 'undelivered',
  delivery_mismatch: 'garbled',
  idle_unfinished: 'unfinished',
  checks_failed: 'checks-failed',
  checks_unrun: 'checks-unrun',
  api_error: 'api-error',
  budget: 'budget',
  branch_moved_outside: 'moved-outside',
  branch_missing: 'no-branch',
  worktree_missing: 'no-worktree',
  integration_failed: 'unmerged',
  review_failed: 'review-failed',
  review_unresolved: 'review-open',
  children_open: 'children-open',
  box_refused: 'box-refused',
};

/** Short tags for a worker's alerts, each kind once, in the order raised. */
export function alertTags(alerts: WorkerStatus['alerts']): string {
  return [...new Set(alerts.map((alert) => ALERT_TAGS[alert.kind]))].join(' ');
}

/**
 * Compact duration, at most 5 characters: `now`, `35s`, `12m`, `1h23m`, `13h`, `2d03h`, `12d`. Seconds move in
 * 5 s steps and minutes drop their seconds: finer steps tell a person nothing and would redraw the screen
 * every second.
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 5) return 'now';
  if (seconds < 60) return `${seconds - (seconds % 5)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 10) return `${hours}h${pad2(minutes % 60)}m`;
  if (hours < 24) return `${hours}h`;
  const days = Math.floor(hours / 24);
  return days < 10 ? `${days}d${pad2(hours % 24)}h` : `${days}d`;
}

/**
 * Time from an ISO timestamp to `now`, or `-` when there is none (or it does not parse). Past a minute it counts to
 * the last whole minute of the wall clock: every such time on the screen then moves in the same frame, once a minute,
 * rather than each in a frame of its own.
 */
export function since(iso: string | undefined, now: number): string {
  if (iso === undefined) return '-';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '-';
  return now - at < MINUTE_MS
    ? formatDuration(now - at)
    : formatDuration(Math.max(MINUTE_MS, now - (now % MINUTE_MS) - at));
}

const MINUTE_MS = 60_000;

/** `HH:MM:SS` in local time, for the event feed. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '--:--:--';
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * Cuts `text` to `width` columns with a trailing `…`. Counts code points, not grapheme widths: worker names,
 * branches and our symbols are single-width, and ink's own truncation backs this up for wide characters.
 */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const oneLine = text.replace(/[\r\n\t]+/g, ' ');
  const chars = Array.from(oneLine);
  if (chars.length <= width) return oneLine;
  return width === 1 ? '…' : `${chars.slice(0, width - 1).join('')}…`;
}

/** Pads (or truncates) to exactly `width` columns. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  const gap = ' '.repeat(Math.max(0, width - Array.from(cut).length));
  return align === 'left' ? cut + gap : gap + cut;
}

export type ColumnId =
  'name' | 'state' | 'branch' | 'title' | 'progress' | 'ahead' | 'files' | 'quiet' | 'restarts' | 'cost' | 'alerts';

export interface Column {
  readonly id: ColumnId;
  readonly header: string;
  readonly width: number;
  readonly align: 'left' | 'right';
}

interface ColumnSpec extends Column {
  /** Columns with higher numbers go first when the terminal is narrow; 0 is never dropped. */
  readonly dropOrder: number;
}

/** Width of the selection marker in front of every row. */
export const MARKER_WIDTH = 2;
const TITLE_COMFORT = 24;
const TITLE_MIN = 8;

/** The table's columns for a terminal width: drops low-priority ones until the task title has room. */
export function layoutColumns(width: number, workers: readonly WorkerStatus[]): Column[] {
  const longest = (values: readonly string[], min: number, max: number) =>
    Math.min(max, Math.max(min, ...values.map((value) => Array.from(value).length)));
  const alertsMax = width < 100 ? 12 : 30;
  const specs: ColumnSpec[] = [
    {
      id: 'name',
      header: 'WORKER',
      width: longest(
        workers.map((w) => nameCell(w.name, familyDepth(workers, w))),
        6,
        16,
      ),
      align: 'left',
      dropOrder: 0,
    },
    { id: 'state', header: 'STATE', width: 10, align: 'left', dropOrder: 0 },
    {
      id: 'branch',
      header: 'BRANCH',
      width: longest(
        workers.map((w) => w.branch),
        6,
        28,
      ),
      align: 'left',
      dropOrder: 9,
    },
    { id: 'title', header: 'TASK', width: 0, align: 'left', dropOrder: 0 },
    { id: 'progress', header: 'PROG', width: 4, align: 'right', dropOrder: 5 },
    { id: 'ahead', header: 'AHEAD', width: 5, align: 'right', dropOrder: 6 },
    { id: 'files', header: 'FILES', width: 5, align: 'right', dropOrder: 8 },
    { id: 'quiet', header: 'QUIET', width: 5, align: 'right', dropOrder: 4 },
    { id: 'restarts', header: 'RST', width: 3, align: 'right', dropOrder: 7 },
    { id: 'cost', header: 'COST', width: 7, align: 'right', dropOrder: 2 },
    {
      id: 'alerts',
      header: 'ALERTS',
      width: longest(
        workers.map((w) => alertTags(w.alerts)),
        6,
        alertsMax,
      ),
      align: 'left',
      dropOrder: 3,
    },
  ];
  // Each column after the first is preceded by one space.
  const used = (list: readonly ColumnSpec[]) =>
    MARKER_WIDTH + list.reduce((sum, column) => sum + column.width, 0) + list.length - 1;
  let kept = specs;
  while (width - used(kept) < TITLE_COMFORT) {
    const victim = kept.reduce((worst, column) => (column.dropOrder > worst.dropOrder ? column : worst));
    if (victim.dropOrder === 0) break;
    kept = kept.filter((column) => column !== victim);
  }
  const titleWidth = Math.max(TITLE_MIN, width - used(kept));
  return kept.map(({ dropOrder: _dropOrder, ...column }) =>
    column.id === 'title' ? { ...column, width: titleWidth } : column,
  );
}

/**
 * The text of every cell of a worker's row (before fitting to column widths); `stateCell` stands in for its state,
 * `depth` is how far down the family tree it sits.
 */
export function rowCells(worker: WorkerStatus, now: number, stateCell?: string, depth = 0): Record<ColumnId, string> {
  return {
    name: nameCell(worker.name, depth),
    state: stateCell ?? stateText(worker.state),
    branch: worker.branch,
    title: `${worker.paused ? '(paused) ' : ''}${owedPrefix(worker)}${worker.title}`,
    progress:
      worker.checkpoints !== undefined
        ? `${worker.checkpoints.done}/${worker.checkpoints.total}`
        : worker.progress === undefined
          ? '-'
          : `${Math.round(worker.progress)}%`,
    ahead: `+${worker.git.commitsAhead}`,
    files: String(worker.git.filesChanged.length),
    quiet: since(worker.lastOutputAt, now),
    restarts: String(worker.restarts),
    cost: costCell(worker.usage),
    alerts: alertTags(worker.alerts),
  };
}

/** `$1.23`; tokens with a `t` when no model of it has a price; `?` when its agent keeps no records (not zero). */
export function costCell(usage: WorkerStatus['usage']): string {
  if (usage === undefined) return '?';
  if (usage.unpricedModels.length > 0 && usage.usd === 0 && usage.tokens > 0) return `${formatTokens(usage.tokens)}t`;
  return formatUsd({ usd: usage.usd, unpriced: usage.unpricedModels });
}

/** The selected worker's usage, one line: tokens by kind, cost, and cost per task when it had more than one. */
export function usageLine(usage: WorkerStatus['usage']): string {
  if (usage === undefined) return 'usage: unknown (its agent keeps no records czar can read)';
  const parts = [
    `usage: ${formatTokens(usage.tokens)} tokens (in ${formatTokens(usage.input)}, out ${formatTokens(usage.output)}, cache ${formatTokens(usage.cacheRead)} read, ${formatTokens(usage.cacheWrite)} written)`,
    formatUsd({ usd: usage.usd, unpriced: usage.unpricedModels }),
  ];
  if (usage.review !== undefined)
    parts.push(`reviews ${formatUsd({ usd: usage.review.usd, unpriced: usage.review.unpricedModels })} of it`);
  if (usage.tasks.length > 1)
    parts.push(
      usage.tasks
        .map((task) => `${task.task} ${formatUsd({ usd: task.usd, unpriced: task.unpricedModels })}`)
        .join(', '),
    );
  if (usage.skippedLines > 0) parts.push(`${usage.skippedLines} bad record line(s) skipped`);
  return parts.join(' · ');
}

/** The fleet's spend for the header: total and burn rate; `+?` when some workers' usage is unknown. */
export function fleetCostText(usage: FleetStatus['usage']): string | undefined {
  if (usage === undefined) return undefined;
  const unknown = usage.unknownWorkers.length > 0 ? '+?' : '';
  return `cost ${formatUsd({ usd: usage.usd, unpriced: usage.unpricedModels })}${unknown} · ${formatUsd({ usd: usage.usdPerHour, unpriced: usage.unpricedModels })}/h`;
}
