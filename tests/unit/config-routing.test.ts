import { describe, expect, it } from 'vitest';
import { checkConfigText } from '../../src/config/validate.js';
import { resolveRouting, withPlainShells } from '../../src/config/resolve-routing.js';
import type { AgentCommand } from '../../src/domain/model/config-types.js';
import type { WrittenConfig } from '../../src/config/schema.js';

// `agent: auto` and `routing:`: the names it may choose are agents, and the defaults.

function problems(text: string): readonly string[] {
  const checked = checkConfigText(text, 'czar.yaml');
  return checked.ok ? [] : checked.problems;
}

describe('routing in czar.yaml', () => {
  it('accepts agent: auto and a pool of known agents', () => {
    expect(
      problems(
        'project: sark\nagent: auto\nrouting: { pool: [claude, codex], explore: 0, min_outcomes: 3 }\nworkers:\n  - { name: api, task: x, kind: api }\n',
      ),
    ).toEqual([]);
  });

  it('names an unknown agent of the pool with its line, and a share out of range', () => {
    expect(
      problems('project: sark\nrouting: { pool: [claude, cladue] }\nworkers:\n  - { name: api, task: x }\n'),
    ).toEqual([
      expect.stringMatching(
        /^czar\.yaml:2:\d+: .*"cladue" is not a built-in agent or an agents: entry; .*claude/,
      ) as string,
    ]);
    expect(problems('project: sark\nrouting: { explore: 2 }\nworkers:\n  - { name: api, task: x }\n')[0]).toMatch(
      /^czar\.yaml:2:\d+: .*explore/,
    );
  });

  it('pools every agent the config names, auto aside, with exploration 0.1 and 2 outcomes by default', () => {
    const written = {
      project: 'sark',
      agent: 'auto',
      agents: { mybot: { command: './bot' } },
      workers: [
        { name: 'a', task: 'x', agent: 'codex' },
        { name: 'b', task: 'x' },
      ],
    } as unknown as WrittenConfig;
    expect(resolveRouting(written, 'auto')).toEqual({
      pool: ['mybot', 'codex'],
      explore: 0.1,
      minOutcomes: 2,
      reassignAfter: 2,
    });
  });

  it("names the pool's plain shells, so a task handed to one goes without a brief", () => {
    const routing = { pool: ['claude', 'sh'], explore: 0.1, minOutcomes: 2, reassignAfter: 2 };
    const agent = (extra: Partial<AgentCommand>): AgentCommand =>
      ({ name: 'x', preset: 'shell', command: 'bash', args: [], env: {}, ...extra }) as AgentCommand;
    expect(withPlainShells(routing, { claude: agent({ preset: 'claude' }), sh: agent({ plainTask: true }) })).toEqual({
      ...routing,
      plainShells: ['sh'],
    });
    expect(withPlainShells(routing, { claude: agent({ preset: 'claude' }), sh: agent({}) })).toBe(routing);
  });
});
