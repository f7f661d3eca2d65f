import type * as z from 'zod';
import type { AgentStatsSchema } from '../status/status-agents-schema.js';
import type { Outcome } from './outcome.js';
import type { Learning } from './learning.js';

/**
 * Each agent's record per task kind, as `czar stats --agents`, HANDOFF.md and the web page show it, and as routing
 * compares agents. Pure: read from the outcomes alone.
 */

/** One agent's figures for one kind (the status schema's shape). */
export type AgentKindStats = Readonly<z.infer<typeof AgentStatsSchema>>;

/** Outcomes grouped by agent and kind, sorted by agent then kind. */
export function agentStats(outcomes: readonly Outcome[]): AgentKindStats[] {
  const groups = new Map<string, Outcome[]>();
  for (const outcome of outcomes) {
    const key = JSON.stringify([outcome.agent, outcome.kind]);
    groups.set(key, [...(groups.get(key) ?? []), outcome]);
  }
  return [...groups.values()]
    .map(statsOf)
    .sort((a, b) => a.agent.localeCompare(b.agent) || a.kind.localeCompare(b.kind));
}

/** This repository's part of the record, per agent and kind: the same object while the record is. */
export function repositoryStats(learning: Learning | undefined): AgentKindStats[] | undefined {
  if (learning === undefined) return undefined;
  const kept = byLearning.get(learning);
  if (kept !== undefined) return kept;
  const stats = agentStats(learning.outcomes.filter((outcome) => outcome.repo === learning.repo));
  byLearning.set(learning, stats);
  return stats;
}

const byLearning = new WeakMap<Learning, AgentKindStats[]>();

/** One group's figures (all of the same agent and kind). */
export function statsOf(group: readonly Outcome[]): AgentKindStats {
  const first = group[0];
  const verified = group.filter((outcome) => outcome.end === 'verified' || outcome.end === 'integrated');
  const priced = verified.filter((outcome) => outcome.usd !== undefined);
  const firstTry = group.filter((outcome) => outcome.firstTry).length;
  return {
    agent: first?.agent ?? '',
    kind: first?.kind ?? '',
    tasks: group.length,
    verified: verified.length,
    firstTry,
    firstTryRate: group.length === 0 ? 0 : firstTry / group.length,
    meanReviewRounds: mean(group.map((outcome) => outcome.reviewRounds)) ?? 0,
    ...(verified.length === 0 ? {} : { minutesPerVerified: mean(verified.map((outcome) => outcome.minutes)) }),
    ...(priced.length === 0
      ? {}
      : { usdPerVerified: priced.reduce((sum, outcome) => sum + (outcome.usd ?? 0), 0) / priced.length }),
  };
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export const AGENT_COLUMNS = ['agent', 'kind', 'tasks', 'first try', 'review rounds', 'min/verified', '$/verified'];

/** One row of the agents table. */
export function agentCells(stats: AgentKindStats): string[] {
  return [
    stats.agent,
    stats.kind,
    String(stats.tasks),
    `${Math.round(stats.firstTryRate * 100)}% (${stats.firstTry})`,
    stats.meanReviewRounds.toFixed(1),
    stats.minutesPerVerified === undefined ? '-' : stats.minutesPerVerified.toFixed(1),
    stats.usdPerVerified === undefined ? '-' : `$${stats.usdPerVerified.toFixed(2)}`,
  ];
}

/** The agents table as padded lines (for the terminal and HANDOFF.md's code block). */
export function agentTableLines(stats: readonly AgentKindStats[]): string[] {
  const rows = [AGENT_COLUMNS, ...stats.map(agentCells)];
  const widths = AGENT_COLUMNS.map((_, index) => Math.max(...rows.map((row) => (row[index] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
