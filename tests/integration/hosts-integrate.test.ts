import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitIn } from '../helpers/git-repo.js';
import { hostFleet } from '../helpers/host-fleet.js';
import { sshHostsUnavailable } from '../helpers/ssh-host.js';

const unavailable = await sshHostsUnavailable();

describe.skipIf(unavailable !== undefined)(
  `integrating the work of ssh hosts${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it("pushes a done host worker's branch to the shared remote, and integrates it with a local worker's", async () => {
      const { fixture, machine, supervise } = await hostFleet({
        hosts: [{ name: 'far' }],
        workers: [
          {
            name: 'r1',
            task: '# Remote part\n@sim write src/r1.ts export const r1 = 1;\\n\n@sim commit r1: remote part\n@sim done remote part in',
            host: 'far',
          },
          {
            name: 'l1',
            task: '# Local part\n@sim write src/l1.ts export const l1 = 1;\\n\n@sim commit l1: local part\n@sim done local part in',
          },
        ],
        policy: { bonus: 'off' },
      });
      await fixture.launchWave();
      await supervise();

      const integrated = await fixture.waitForEvent('integrated', 'r1', { timeoutMs: 60_000 });
      const worktree = fixture.fleet.config.workers.find((worker) => worker.name === 'r1')?.worktree ?? '';
      const hostTip = (await machine('far').exec(['git', '-C', worktree, 'rev-parse', 'HEAD'])).stdout.trim();
      expect(hostTip).toMatch(/^[0-9a-f]{40}$/);
      // The host's commit, pushed by czar: on the shared remote and in this repo's branch.
      expect((await gitIn(fixture.repo, ['ls-remote', 'origin', 'refs/heads/czar/r1'])).split('\t')[0]).toBe(hostTip);
      expect((await gitIn(fixture.repo, ['rev-parse', 'czar/r1'])).trim()).toBe(hostTip);
      expect(integrated.data).toMatchObject({ tip: hostTip });
      await fixture.waitForEvent('integrated', 'l1', { timeoutMs: 60_000 });
      const files = (await gitIn(fixture.repo, ['ls-tree', '-r', '--name-only', 'czar/integration', 'src']))
        .trim()
        .split('\n');
      expect(files.sort()).toEqual(['src/l1.ts', 'src/r1.ts']);
    });

    it("tries a host's commit again when it did not reach this repo, until it does", async () => {
      const { fixture, supervise } = await hostFleet({
        hosts: [{ name: 'far' }],
        workers: [
          {
            name: 'r1',
            task: '# Remote part\n@sim write src/r1.ts export const r1 = 1;\n\n@sim commit r1: remote part\n@sim done remote part in',
            host: 'far',
          },
        ],
        policy: { bonus: 'off', idle_after: '10m' },
      });
      // What a concurrent "git worktree add" or a ref lock does to a fetch here: it fails, for a while.
      const lock = path.join(fixture.repo, '.git', 'refs', 'heads', 'czar', 'r1.lock');
      await mkdir(path.dirname(lock), { recursive: true });
      await writeFile(lock, '');
      await fixture.launchWave();
      await supervise();
      const failed = await fixture.waitForEvent('host_push_failed', 'r1', { timeoutMs: 30_000 });
      expect(failed.message).toMatch(/did not reach this repo: .*; czar tries again/);
      await rm(lock);
      await fixture.waitForEvent('integrated', 'r1', { timeoutMs: 60_000 });
    });
  },
);
