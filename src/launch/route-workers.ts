import { readOutcomes, repositoryIdentity } from '../adapters/learning-files.js';
import { ensureStateDir } from '../adapters/state-files.js';
import { taskKind } from '../domain/learning/outcome.js';
import { chooseAgent } from '../domain/learning/routing.js';
import type { Fleet } from '../fleet/handle.js';
import { readRoutes, withRoutes, writeRoutes, type Route } from '../fleet/routes.js';

/**
 * Chooses the agent of each `agent: auto` worker that has none yet, from the record of outcomes for its kind, before
 * the launch; each choice is saved (so every later command runs the same agent) and logged with its reason.
 */
export async function routeWorkers(fleet: Fleet): Promise<readonly Route[]> {
  const { config, paths } = fleet;
  const routes = await readRoutes(paths);
  const open = config.workers.filter(
    (spec) => spec.routed === true && !routes.some((route) => route.worker === spec.name),
  );
  if (open.length === 0) {
    fleet.config = withRoutes(config, routes);
    return [];
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
  await ensureStateDir(paths);
  await writeRoutes(paths, [...routes, ...added]);
  for (const route of added) await fleet.log.emit('routed', route.reason, route.worker, { agent: route.agent });
  fleet.config = withRoutes(config, [...routes, ...added]);
  return added;
}
