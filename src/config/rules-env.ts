import { CZAR_ENV_KEYS } from '../domain/model/agent-env.js';
import { problemAt } from './problems.js';
import type { Rule } from './rule.js';

/** czar's own variables in an `env:` map would be overwritten at launch without a word: refused instead. */
export const ownEnvKeys: Rule = {
  name: 'own-env-keys',
  check: (config) => {
    const maps = [
      ...config.workers.map((worker, index) => ({ at: ['workers', index, 'env'], env: worker.env })),
      ...Object.entries(config.agents ?? {}).map(([name, agent]) => ({ at: ['agents', name, 'env'], env: agent.env })),
    ];
    return maps.flatMap(({ at, env }) =>
      Object.keys(env ?? {})
        .filter((key) => (CZAR_ENV_KEYS as readonly string[]).includes(key))
        .map((key) =>
          problemAt(
            [...at, key],
            'is set by czar itself for each agent, so it cannot be given here; remove it (PATH may be set: czar puts its own bin folder first on it).',
            'key',
          ),
        ),
    );
  },
};
