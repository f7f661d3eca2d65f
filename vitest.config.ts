import { defineConfig } from 'vitest/config';

// Two projects: pure unit tests run in parallel threads; integration tests drive real tmux and git,
// so they run in forks with room for slow machines (2 cores here) and CI can raise the wait budget
// through CZAR_TEST_TIMEOUT_SCALE.
const scale = Number(process.env.CZAR_TEST_TIMEOUT_SCALE ?? '1') || 1;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['tests/unit/**/*.test.ts', 'tests/ui/**/*.test.tsx', 'tests/ui/**/*.test.ts'],
          testTimeout: 10_000 * scale,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          pool: 'forks',
          // One file at a time: real agents and timing-sensitive tmux tests should not share 2 cores.
          maxWorkers: 1,
          testTimeout: 90_000 * scale,
          hookTimeout: 60_000 * scale,
        },
      },
    ],
  },
});
