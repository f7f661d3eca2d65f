import { configDefaults, defineConfig } from 'vitest/config';
import { usePrivateRecord } from './tests/helpers/private-record.js';

// Pure tiers (unit, ui) run in parallel threads and need no tmux: `npm run test:fast`. The slow tiers drive real
// tmux, git, ssh hosts and agent CLIs, so they run in forks with room for slow machines (2 cores here), and CI can
// raise the wait budget through CZAR_TEST_TIMEOUT_SCALE. Each tier can run alone (`vitest run --project hosts`).
// The czars that tests start keep their record of outcomes in a folder of this run's, never in the person's own,
// removed when the run ends.
usePrivateRecord('czar-test-record-');

const scale = Number(process.env.CZAR_TEST_TIMEOUT_SCALE ?? '1') || 1;

const realAgents = ['tests/integration/real-agents*.test.ts', 'tests/integration/usage-real.test.ts'];
// The real agents in two projects of about the same length, one at the end of each of `npm test`'s two long lanes:
// every real agent in a box, and Codex.
const realAgentsBeside = ['tests/integration/real-agents-boxed.test.ts', 'tests/integration/real-agents-codex.test.ts'];
const hosts = [
  'tests/integration/hosts-*.test.ts',
  'tests/integration/ssh-*.test.ts',
  'tests/integration/doctor-hosts.test.ts',
];

// The slow tiers run in forks with room for slow machines: the integration tier two files at a time (it waits on tmux
// and git), then ssh hosts and terminals two at a time, and the real agents one at a time (each CLI's start-up is a
// core's worth of work). `npm test` runs the real agents beside the rest (scripts/test-lanes.ts).
// `isolate: false` for the integration tier: its hundred files share each fork's module graph instead of each
// loading its own (a second of CPU per file); every file makes its own fleets, servers and temp dirs, and cleans them.
const slow = (
  name: string,
  groupOrder: number,
  include: string[],
  maxWorkers: number,
  options: { exclude?: string[]; isolate?: boolean } = {},
) => ({
  test: {
    name,
    sequence: { groupOrder },
    include,
    exclude: [...configDefaults.exclude, ...(options.exclude ?? [])],
    pool: 'forks' as const,
    maxWorkers,
    isolate: options.isolate ?? true,
    testTimeout: 90_000 * scale,
    hookTimeout: 60_000 * scale,
  },
});

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['tests/unit/**/*.test.ts'],
          // Pure functions: files share a module graph instead of each loading its own.
          isolate: false,
          testTimeout: 10_000 * scale,
        },
      },
      {
        test: {
          name: 'ui',
          sequence: { groupOrder: 0 },
          include: ['tests/ui/**/*.test.tsx', 'tests/ui/**/*.test.ts'],
          isolate: false,
          testTimeout: 10_000 * scale,
        },
      },
      slow('integration', 1, ['tests/integration/**/*.test.ts'], 2, {
        exclude: [...realAgents, ...hosts],
        isolate: false,
      }),
      slow('hosts', 2, hosts, 2),
      slow('e2e', 2, ['tests/e2e/**/*.test.ts'], 2),
      slow('real-agents', 3, realAgents, 1, { exclude: realAgentsBeside }),
      slow('real-agents-beside', 3, realAgentsBeside, 1),
    ],
  },
});
