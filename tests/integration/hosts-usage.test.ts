import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { workerIn } from '../helpers/fleet-fixture.js';
import { hostFleet } from '../helpers/host-fleet.js';
import { sshHostsUnavailable } from '../helpers/ssh-host.js';

const unavailable = await sshHostsUnavailable();

describe.skipIf(unavailable !== undefined)(
  `usage of workers on ssh hosts${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('counts the records the agent keeps on its host, read there and streamed, in the local status.json', async () => {
      // On the host's private /tmp: this machine cannot read these records, only the czar watching on the host can.
      const claudeDir = `/tmp/czar-claude-${randomBytes(4).toString('hex')}`;
      const { fixture, supervise } = await hostFleet({
        hosts: [{ name: 'far' }],
        workers: [
          {
            name: 'r1',
            task: '# Spend on the host\n@sim usage 1200 300 claude-sonnet-4-5\n@sim usage 800 100 claude-opus-4-1\n@sim work 600 the long part',
            host: 'far',
            env: { CLAUDE_CONFIG_DIR: claudeDir },
          },
        ],
        policy: { idle_after: '10m', stuck_after: '20m', escalate_after: '10m' },
      });
      await fixture.launchWave();
      await supervise();

      const status = await fixture.waitForStatus((s) => (workerIn(s, 'r1').usage?.tokens ?? 0) >= 2400, {
        what: "r1's usage from its host",
      });
      expect(existsSync(claudeDir)).toBe(false);
      const usage = workerIn(status, 'r1').usage;
      expect(usage).toMatchObject({
        tokens: 2400,
        input: 2000,
        output: 400,
        cacheRead: 0,
        cacheWrite: 0,
        files: 1,
        skippedLines: 0,
      });
      expect([...(usage?.models ?? [])].sort()).toEqual(['claude-opus-4-1', 'claude-sonnet-4-5']);
      expect(usage?.tasks.map((task) => [task.task, task.tokens])).toEqual([['r1', 2400]]);
      expect(status.usage?.tokens).toBe(2400);
    });
  },
);
