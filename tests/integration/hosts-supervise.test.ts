import { describe, expect, it } from 'vitest';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { tempDir } from '../helpers/git-repo.js';
import { SshHosts, sshHostsUnavailable, type SshHost } from '../helpers/ssh-host.js';
import { waitFor } from '../helpers/wait.js';

const unavailable = await sshHostsUnavailable();

async function hostCaptures(host: SshHost, dir: string, worker: string): Promise<string[]> {
  const listed = await host.exec(['ls', dir]);
  const files = listed.stdout.split('\n').filter((file) => new RegExp(`^${worker}-\\d+\\.txt$`).test(file)).sort();
  return Promise.all(files.map(async (file) => (await host.exec(['cat', `${dir}/${file}`])).stdout));
}

describe.skipIf(unavailable !== undefined)(`supervising workers on ssh hosts${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`, () => {
  it('a done worker on a host gets its bonus, through the same reconcile loop as a local one', async () => {
    const origin = await tempDir('czar-origin-');
    const hosts = await SshHosts.create();
    const host = await hosts.add({ share: [origin] });
    const fixture = await fleetFixture({
      origin,
      hosts: [{ name: 'far', ssh: host.alias, worktrees: '/tmp/czar-hosts', max_workers: 1, ssh_config: hosts.sshConfig }],
      workers: [{ name: 'r1', task: '# Remote work\n@sim write src/r1.ts export const r1 = 1;\\n\n@sim commit r1: work\n@sim done remote work in', host: 'far' }],
      bonus: [{ name: 'extra', task: '# Bonus BONUS-REMOTE\n@sim done bonus in' }],
    });
    await fixture.launchWave();
    await fixture.supervise();

    const bonus = await fixture.waitForEvent('bonus', 'r1');
    expect(bonus.data).toMatchObject({ task: 'extra' });
    const got = await waitFor(async () => {
      const captured = await hostCaptures(host, fixture.captureDir, 'r1');
      return captured.length >= 2 && captured;
    }, { what: 'the bonus task to reach the agent on the host' });
    expect(got).toHaveLength(2);
    expect(got[1]).toMatch(/Here is your next task \(extra: Bonus BONUS-REMOTE\)/);
    const status = await fixture.waitForStatus((s) => workerIn(s, 'r1').state === 'done' && workerIn(s, 'r1').tasks.length === 2, { what: 'r1 done with its bonus task' });
    expect(workerIn(status, 'r1').restarts).toBe(0);
  });
});
