import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { gitIn, tempDir, tempRepo } from '../helpers/git-repo.js';
import { brokenBwrapFolder } from '../helpers/host-fleet.js';
import { SshHosts, sshHostsUnavailable } from '../helpers/ssh-host.js';

const unavailable = await sshHostsUnavailable();

describe.skipIf(unavailable !== undefined)(
  `czar doctor on hosts${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('checks each host and says how to fix what is wrong', async () => {
      const { root, remoteDir, bare } = await repoWithRemote();
      const hosts = await SshHosts.create();
      const [good, isolated] = await Promise.all([hosts.add({ share: [remoteDir] }), hosts.add()]);
      const body = [
        'repo: repo',
        'hosts:',
        `  - { name: good, ssh: ${good.alias}, worktrees: /tmp/czar, max_workers: 2, ssh_config: ${hosts.sshConfig} }`,
        `  - { name: isolated, ssh: ${isolated.alias}, worktrees: /tmp/czar, max_workers: 2, ssh_config: ${hosts.sshConfig} }`,
        `  - { name: down, ssh: "${good.alias}:9", worktrees: /tmp/czar, max_workers: 2, ssh_config: ${hosts.sshConfig} }`,
        'workers:',
        '  - { name: a, task: x, agent: shell, host: good }',
        '',
      ].join('\n');
      const configFile = await writeFleetConfig(root, uniqueProject(), body);
      const result = await czar(['doctor', '-c', configFile], { cwd: root });
      const lines = result.stdout.split('\n');
      expect(lines).toContain(`✓ host "good": ssh ${good.alias} works`);
      expect(lines).toContainEqual(expect.stringMatching(/^✓ host "good": tmux \d/));
      expect(lines).toContainEqual(expect.stringMatching(/^✓ host "good": git version \d/));
      expect(lines).toContainEqual(expect.stringMatching(/^✓ host "good": czar \d+\.\d+\.\d+$/));
      expect(lines).toContain(`✓ host "good": reaches remote "origin" (${bare})`);
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^✗ host "isolated": cannot reach remote "origin" \\(${bare}\\): .*; give the host read and push access`,
          ),
        ),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^✗ host "down": Host "down" \(czh-\w+ port 9\) is unreachable: .*Connection refused; check that/,
        ),
      );
      expect(result.exitCode).toBe(1);
    });

    it("says per host whether its box engine works: bwrap's version, or why not", async () => {
      const { root, remoteDir } = await repoWithRemote();
      // A bwrap first on one host's PATH that cannot make a box, as in a container without user namespaces.
      const fake = await brokenBwrapFolder();
      const hosts = await SshHosts.create();
      const [boxes, bare1] = await Promise.all([
        hosts.add({ share: [remoteDir] }),
        hosts.add({ share: [remoteDir, fake], pathFirst: fake }),
      ]);
      const entry = (name: string, alias: string): string =>
        `  - { name: ${name}, ssh: ${alias}, worktrees: /tmp/czar, max_workers: 2, ssh_config: ${hosts.sshConfig} }`;
      const body = [
        'repo: repo',
        'hosts:',
        entry('boxes', boxes.alias),
        entry('bare', bare1.alias),
        'workers:',
        '  - { name: a, task: x, agent: shell, host: boxes, sandbox: required }',
        '  - { name: b, task: x, agent: shell, host: bare, sandbox: required }',
        '',
      ].join('\n');
      const configFile = await writeFleetConfig(root, uniqueProject(), body);
      const result = await czar(['doctor', '-c', configFile], { cwd: root });
      const lines = result.stdout.split('\n');
      const version = (await execa('bwrap', ['--version'])).stdout.trim();
      expect(lines).toContain(`✓ host "boxes": box engine: ${version} at /usr/bin/bwrap, socat at /usr/bin/socat`);
      expect(lines).toContain(
        `✗ host "bare": box engine: worker "b" has sandbox: required but host "bare" has no sandbox engine (${fake}/bwrap cannot make a box here (bwrap: No permissions to create new namespace)); install bubblewrap there (apt-get install bubblewrap) or set sandbox: on to run it unboxed.`,
      );
      expect(result.exitCode).toBe(1);
    });
  },
);

/** A repository whose remote "origin" is a bare clone in a folder of its own (which a host can be given). */
async function repoWithRemote(): Promise<{ root: string; remoteDir: string; bare: string }> {
  const { root, repo } = await tempRepo();
  const remoteDir = await tempDir('czar-remote-');
  const bare = path.join(remoteDir, 'origin.git');
  await gitIn(remoteDir, ['clone', '--quiet', '--bare', repo, bare]);
  await gitIn(repo, ['remote', 'add', 'origin', bare]);
  return { root, remoteDir, bare };
}
