import { BUILT_IN_AGENTS } from '../agents/defaults.js';
import { isPreset } from '../domain/model/config-types.js';
import { orChoices, problemAt, regexProblems, type Problem } from './problems.js';
import type { Rule } from './rule.js';

/** Rules on agents: every name used is defined, and each `agents:` entry can be run. */

export const knownAgents: Rule = {
  name: 'known-agents',
  check: (config) => {
    const available = [...new Set([...BUILT_IN_AGENTS, ...Object.keys(config.agents ?? {})])];
    const known = (agent: string): boolean => available.includes(agent);
    // `auto`: czar chooses from `routing.pool`, whose names must be agents themselves.
    const unknown = (agent: string | undefined): boolean => agent !== undefined && agent !== 'auto' && !known(agent);
    const tail = (agent: string) =>
      `"${agent}" is not a built-in agent or an agents: entry; ${orChoices(agent, available)}`;
    const problems: Problem[] = [];
    if (unknown(config.agent)) problems.push(problemAt(['agent'], tail(config.agent ?? '')));
    config.workers.forEach((worker, index) => {
      if (unknown(worker.agent)) problems.push(problemAt(['workers', index, 'agent'], tail(worker.agent ?? '')));
    });
    config.routing?.pool?.forEach((agent, index) => {
      if (!known(agent)) problems.push(problemAt(['routing', 'pool', index], tail(agent)));
    });
    return problems;
  },
};

export const agentDefinitions: Rule = {
  name: 'agent-definitions',
  check: (config) =>
    Object.entries(config.agents ?? {}).flatMap(([name, agent]) => {
      if (isPreset(name)) {
        return agent.preset !== undefined && agent.preset !== name
          ? [
              problemAt(
                ['agents', name, 'preset'],
                `cannot change the behaviour of the built-in agent "${name}"; remove preset: or give this agent a new name.`,
              ),
            ]
          : [];
      }
      return agent.command === undefined
        ? [
            problemAt(
              ['agents', name],
              `is missing required key "command"; a new agent needs the program to run, e.g. command: ./bin/${name}.`,
            ),
          ]
        : [];
    }),
};

export const agentScreenPatterns: Rule = {
  name: 'agent-screen-patterns',
  check: (config) =>
    Object.entries(config.agents ?? {}).flatMap(([name, agent]) => [
      ...(['ready', 'busy', 'waiting'] as const).flatMap((key) =>
        agent[key] === undefined ? [] : regexProblems(['agents', name, key], agent[key]),
      ),
      ...(agent.dialogs ?? []).flatMap((dialog, index) =>
        regexProblems(['agents', name, 'dialogs', index, 'match'], dialog.match),
      ),
    ]),
};
