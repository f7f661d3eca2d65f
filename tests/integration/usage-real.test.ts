import { describe, it } from 'vitest';
import path from 'node:path';
import { PACKAGE_ROOT, workerIn } from '../helpers/fleet-fixture.js';
import { startModelEndpoint } from '../helpers/model-endpoint.js';
import { realAgentsMissing } from '../helpers/real-agents.js';
import { realFleet } from '../helpers/real-fleet.js';
import { expectExactUsage } from '../helpers/real-scenarios.js';

// Claude Code's usage, exact per task. Codex and Gemini CLI are held to the same in their shared scenarios
// (real-agents-codex, real-agents-gemini); Claude Code's own scenario test is its own.
const why = realAgentsMissing('claude');

describe('usage of a real claude against a scripted endpoint', () => {
  it.skipIf(why !== '')(
    `czar's totals per worker and per task equal the endpoint's sums exactly, each repeated record once${why}`,
    async () => {
      const endpoint = await startModelEndpoint();
      // The agent's shell may not have czar on PATH (tmux gives a new session the PATH of its client): name it whole.
      const report = `${process.execPath} ${path.join(PACKAGE_ROOT, 'bin', 'czar')} report --state done`;
      const fx = await realFleet({
        agent: 'claude',
        endpoint,
        workers: [
          {
            name: 'coder',
            task: `Write the file.\nRUN: echo one > one.txt && git add -A && git commit -qm one\nRUN: ${report} --note one`,
          },
        ],
        bonus: [
          {
            name: 'extra',
            task: `Write another file.\nRUN: echo two > two.txt && git add -A && git commit -qm two\nRUN: ${report} --note two`,
          },
        ],
      });
      await fx.up();
      // Both tasks done: the bonus task's done report comes after its commit.
      await fx.waitForStatus((s) => workerIn(s, 'coder').tasks.length === 2 && workerIn(s, 'coder').state === 'done', {
        timeoutMs: 180_000,
        what: 'coder done with its bonus task',
      });
      await expectExactUsage(fx, endpoint, 'claude', {
        worker: 'coder',
        first: 'echo one > one.txt',
        next: 'extra',
        nextWords: 'echo two > two.txt',
      });
    },
    240_000,
  );
});
