import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SshConnection } from '../../src/adapters/ssh.js';
import type { HostSpec } from '../../src/domain/model/host-layout.js';
import { tempDir } from '../helpers/git-repo.js';
import { SshHosts, sshHostsUnavailable, type SshHost } from '../helpers/ssh-host.js';

const unavailable = await sshHostsUnavailable();

function spec(host: SshHost, sshConfig = host.sshConfig): HostSpec {
  return {
    name: 'h1',
    destination: host.alias,
    port: undefined,
    worktrees: '/tmp/czar-host',
    maxWorkers: 4,
    sshConfig,
    remote: 'origin',
  };
}

async function connection(host: SshHost, sshConfig?: string): Promise<SshConnection> {
  const stateDir = await tempDir('czar-state-');
  const ssh = SshConnection.forHost(spec(host, sshConfig), stateDir);
  onTestFinished(() => ssh.close());
  return ssh;
}

describe.skipIf(unavailable !== undefined)(
  `ssh adapter${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('runs argument arrays on the host unchanged, feeds stdin, and reuses one master', async () => {
      const host = await (await SshHosts.create()).add();
      const ssh = await connection(host);
      const words = ["it's", '$HOME', 'a;b', '*', '', '-n', 'two words', '`id`', 'ünï\tcode'];
      const echoed = await ssh.run(['printf', '%s\\n', ...words]);
      expect(echoed.stdout).toBe(words.map((word) => `${word}\n`).join(''));
      const text = 'line one\n$(touch /tmp/pwned)\n';
      expect((await ssh.run(['cat'], { input: text })).stdout).toBe(text);
      expect((await host.exec(['ls', '/tmp'])).stdout).not.toContain('pwned');
      expect(await ssh.isOpen()).toBe(true);
      const failed = await ssh.run(['sh', '-c', 'exit 3'], { allowFailure: true });
      expect(failed.exitCode).toBe(3);
      await expect(ssh.run(['false'])).rejects.toThrow(/"false" exited with 1 on host "h1"/);
    });

    it('refuses an unknown host key with a sentence that says how to add it', async () => {
      const hosts = await SshHosts.create();
      const host = await hosts.add();
      const emptyKnownHosts = path.join(hosts.dir, 'empty_known_hosts');
      await writeFile(emptyKnownHosts, '');
      const strictConfig = path.join(hosts.dir, 'strict_config');
      await writeFile(
        strictConfig,
        (await readFile(host.sshConfig, 'utf8')).replaceAll(path.join(hosts.dir, 'known_hosts'), emptyKnownHosts),
      );
      const ssh = await connection(host, strictConfig);
      await expect(ssh.run(['true'])).rejects.toThrow(
        /host key of host "h1" .* is not in known_hosts, and czar never accepts one blindly; .*ssh-keyscan/,
      );
    });

    it('says a host that refuses the connection is unreachable', async () => {
      const host = await (await SshHosts.create()).add();
      // Nothing listens on port 9 there: refused at once (a link that is down takes ConnectTimeout to fail).
      const ssh = SshConnection.forHost({ ...spec(host), port: 9 }, await tempDir('czar-state-'));
      await expect(ssh.run(['true'])).rejects.toMatchObject({
        code: 'host_unreachable',
        message: expect.stringMatching(
          /^Host "h1" \(czh-\w+ port 9\) is unreachable: .*Connection refused; check that "ssh czh-\w+ true" works/,
        ),
      });
    });
  },
);
