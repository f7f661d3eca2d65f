import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { workerIn } from '../helpers/fleet-fixture.js';
import { REAL_AGENT_TIMEOUT_SCALE, realAgentsMissing, type RealAgent } from '../helpers/real-agents.js';
import { task, upRealFleet } from '../helpers/real-scenarios.js';

// Real agents, each in a box (sandbox: required): the scripted model endpoint is on this machine's loopback, outside
// the box, reachable through the worker's network door and nothing else.
const AGENTS: readonly RealAgent[] = ['claude'];

describe.skipIf(!existsSync('/usr/bin/bwrap'))('real agents, boxed', () => {
  for (const agent of AGENTS) {
    const missing = realAgentsMissing(agent);
    it.skipIf(missing !== '')(
      `${agent} commits, reports done and is verified from inside its box${missing}`,
      async () => {
        const { fx } = await upRealFleet(agent, {
          sandbox: 'required',
          checks: [{ name: 'hello', run: 'test -f hello.txt' }],
          workers: [
            {
              name: 'builder',
              task: task(
                'Write the greeting and commit it.',
                'RUN: echo hello > hello.txt && git add hello.txt && git commit -qm "add hello"',
                'RUN: czar report --task builder --state done --note "hello committed"',
                'SAY: Finished.',
              ),
            },
          ],
        });
        const status = await fx.waitForStatus((s) => workerIn(s, 'builder').state === 'verified', {
          timeoutMs: 120_000 * REAL_AGENT_TIMEOUT_SCALE,
          what: 'builder verified',
        });
        expect(workerIn(status, 'builder').state).toBe('verified');
        expect(await fx.commits('builder')).toEqual(['add hello']);
      },
      240_000 * REAL_AGENT_TIMEOUT_SCALE,
    );
  }
});
