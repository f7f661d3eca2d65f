import { readOutcomes, repositoryIdentity } from '../adapters/learning-files.js';
import { ensureStateDir } from '../adapters/state-files.js';
import { taskKind } from '../domain/learning/outcome.js';
import { chooseAgent } from '../domain/learning/routing.js';
import type { Fleet } from '../fleet/handle.js';
import { readRoutes, withRoutes, writeRoutes, type Route } from '../fleet/routes.js';

/** Choices a launch made in memory before its plan, written by `save` once the plan is accepted. */
export interface Chosen<T> {
  readonly added: readonly T[];
  readonly save: () => Promise<void>;
}

/**
 * Chooses the agent of each `agent: auto` worker that has none yet, from the record of outcomes for its kind, before
 * the launch plans it; `save` keeps each choice (so every later command runs the same agent) and logs its reason.
 * Nothing is written before then: a launch the plan refuses leaves no state behind.
 */
export async function routeWorkers(fleet: Fleet): Promise<Chosen<Route>> {
  const { config, paths } = fleet;
  const routes = await readRoutes(paths);
  const open = config.workers.filter(
    (spec) => spec.routed === true && !routes.some((route) => route.worker === spec.name),
  );
  if (open.length === 0) {
    fleet.config = withRoutes(config, routes);
    return { added: [], save: async () => {} };
  }
  const reading = await readOutcomes().catch(() => undefined);
  const repo = await repositoryIdentity(config.repo);
  const settings = config.routing ?? { pool: [config.defaultAgent], explore: 0, minOutcomes: 2, reassignAfter: 0 };
  const added: Route[] = [];
  for (const spec of open) {
    const kind = taskKind(spec.kind, spec.role, spec.scope);
    const choice = chooseAgent({ kind, repo, outcomes: reading?.items ?? [], settings });
    if (choice === undefined) continue;
    added.push({ worker: spec.name, agent: choice.agent, reason: choice.reason, at: new Date().toISOString() });
  }
  fleet.config = withRoutes(config, [...routes, ...added]);
  const save = async (): Promise<void> => {
    await ensureStateDir(paths);
    await writeRoutes(paths, [...routes, ...added]);
    for (const route of added) await fleet.log.emit('routed', route.reason, route.worker, { agent: route.agent });
  };
  return { added, save };
}
