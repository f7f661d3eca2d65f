import type { RoutingSettings } from '../domain/learning/routing.js';
import type { AgentCommand } from '../domain/model/config-types.js';
import type { WrittenConfig } from './schema.js';

/** The name that asks czar to choose the agent from its record. */
export const AUTO_AGENT = 'auto';

/**
 * `routing:` resolved. The pool defaults to every agent the config names (top-level, `agents:` entries, workers'),
 * `auto` aside; with none named, the default agent alone.
 */
export function resolveRouting(written: WrittenConfig, defaultAgent: string): RoutingSettings {
  const named = [
    written.agent,
    ...Object.keys(written.agents ?? {}),
    ...written.workers.map((worker) => worker.agent),
  ].filter((agent): agent is string => agent !== undefined && agent !== AUTO_AGENT);
  const pool = written.routing?.pool ?? [...new Set(named)];
  return {
    pool: pool.length === 0 ? [defaultAgent === AUTO_AGENT ? 'claude' : defaultAgent] : pool,
    explore: written.routing?.explore ?? 0.1,
    minOutcomes: written.routing?.min_outcomes ?? 2,
    reassignAfter: written.routing?.reassign_after ?? 2,
  };
}

/** `routing` with the pool's plain shells named, so that `decide()` can hand one a task without a brief. */
export function withPlainShells(
  routing: RoutingSettings,
  agents: Readonly<Record<string, AgentCommand>>,
): RoutingSettings {
  const plainShells = routing.pool.filter((name) => agents[name]?.plainTask === true);
  return plainShells.length === 0 ? routing : { ...routing, plainShells };
}
