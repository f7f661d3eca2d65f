import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { SshHosts, sshHostsUnavailable } from '../helpers/ssh-host.js';

const unavailable = await sshHostsUnavailable();

describe.skipIf(unavailable !== undefined)(
  `ssh host fixture${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('runs a private sshd whose /tmp is its own and whose link can be cut', async () => {
      const hosts = await SshHosts.create();
      const host = await hosts.add();
      const ssh = (argv: string[]) =>
        execa('ssh', ['-F', host.sshConfig, host.alias, ...argv], { reject: false, timeout: 10_000 });
      const marker = `czar-private-${host.alias}`;
      expect((await ssh(['touch', `/tmp/${marker}`])).exitCode).toBe(0);
      expect((await host.exec(['ls', '/tmp'])).stdout).toContain(marker);
      expect((await execa('ls', ['/tmp'])).stdout).not.toContain(marker);
      expect((await ssh(['czar', '--version'])).exitCode).toBe(0);
      await host.setLink(false);
      const cut = await execa('ssh', ['-F', host.sshConfig, '-o', 'ConnectTimeout=1', host.alias, 'true'], {
        reject: false,
      });
      expect(cut.exitCode).not.toBe(0);
      await host.setLink(true);
      expect((await ssh(['true'])).exitCode).toBe(0);
    });
  },
);
