import path from 'node:path';
import { readJson, writeJsonAtomic } from '../adapters/state-files.js';
import type { Config, WorkerSpec } from '../domain/model/config-types.js';
import { CzarError } from '../domain/model/errors.js';
import type { StatePaths } from '../domain/model/paths.js';
import type { Fleet } from './handle.js';

/**
 * The agents czar chose for the sprint's `agent: auto` workers (`.czar/routes.json`): chosen once, before the launch,
 * and read by every later command and czar, so they all run the same agent for a worker.
 */
export interface Route {
  readonly worker: string;
  readonly agent: string;
  /** The choice and the records it rests on. */
  readonly reason: string;
  readonly at: string;
}

export function routesFile(paths: StatePaths): string {
  return path.join(paths.root, 'routes.json');
}

export async function readRoutes(paths: StatePaths): Promise<Route[]> {
  // A state dir in the way (.czar a file) is named by the read that needs it; routes only refine the config.
  const routes = await readJson<unknown>(routesFile(paths)).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ENOTDIR') return undefined;
    throw error;
  });
  return Array.isArray(routes)
    ? routes.filter(
        (route): route is Route =>
          typeof route === 'object' &&
          route !== null &&
          typeof (route as Route).worker === 'string' &&
          typeof (route as Route).agent === 'string',
      )
    : [];
}

export async function writeRoutes(paths: StatePaths, routes: readonly Route[]): Promise<void> {
  await writeJsonAtomic(routesFile(paths), routes);
}

/** The config with each routed worker on the agent chosen for it (a route naming an agent no longer there is ignored). */
export function withRoutes(config: Config, routes: readonly Route[]): Config {
  if (routes.length === 0) return config;
  const workers = config.workers.map((spec) => {
    const route = routes.findLast((entry) => entry.worker === spec.name);
    const agent = route === undefined || spec.routed !== true ? undefined : config.agents[route.agent];
    return agent === undefined ? spec : { ...spec, agent };
  });
  return { ...config, workers };
}

/**
 * Moves a routed worker to another agent (a hand-over): the route is saved, so every later command and a restarted
 * czar run the new agent, and the fleet this process runs takes it at once. Returns the worker's new spec.
 */
export async function rerouteWorker(fleet: Fleet, worker: string, agent: string, reason: string): Promise<WorkerSpec> {
  const routes = [...(await readRoutes(fleet.paths)), { worker, agent, reason, at: new Date().toISOString() }];
  await writeRoutes(fleet.paths, routes);
  fleet.config = withRoutes(fleet.config, routes);
  const spec = fleet.config.workers.find((candidate) => candidate.name === worker);
  if (spec?.agent.name !== agent)
    throw new CzarError(
      'launch_failed',
      `Worker "${worker}" could not be handed to agent "${agent}": it is not an agent: auto worker of this config.`,
    );
  return spec;
}
