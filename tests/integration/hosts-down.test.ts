import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { SshConnection } from '../../src/adapters/ssh.js';
import { czar } from '../helpers/cli.js';
import { hostFleet } from '../helpers/host-fleet.js';
import { sshHostsUnavailable, type SshHost } from '../helpers/ssh-host.js';
import { waitFor } from '../helpers/wait.js';

const unavailable = await sshHostsUnavailable();

/** The command lines of the processes in a host's network namespace (its sshd's sessions and what they started). */
async function hostProcesses(host: SshHost): Promise<string[]> {
  const pids = (await execa('ip', ['netns', 'pids', host.alias], { reject: false })).stdout
    .split('\n')
    .filter((pid) => pid !== '');
  const lines = await Promise.all(
    pids.map((pid) =>
      readFile(`/proc/${pid}/cmdline`, 'utf8')
        .then((text) => text.replaceAll('\0', ' ').trim())
        .catch(() => ''),
    ),
  );
  return lines.filter((line) => line !== '');
}

describe.skipIf(unavailable !== undefined)(
  `czar down with workers on ssh hosts${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it("stops each host's tmux server, watch and connection, and names a host it cannot reach", async () => {
      const busy = (name: string) => `# Long work of ${name}\n@sim work 600 the long part`;
      const { fixture, machine } = await hostFleet({
        hosts: [{ name: 'near' }, { name: 'cut' }],
        workers: [
          { name: 'n1', task: busy('n1'), host: 'near' },
          { name: 'c1', task: busy('c1'), host: 'cut' },
          { name: 'l1', task: busy('l1') },
        ],
        policy: { idle_after: '10m', stuck_after: '20m', escalate_after: '10m' },
      });
      const [near, cut] = [machine('near'), machine('cut')];
      const up = await czar(['up', '--detach', '-c', fixture.configFile], { cwd: fixture.root });
      expect(up.exitCode, up.stderr).toBe(0);
      const socket = fixture.fleet.config.tmuxSocket;
      const sessionsOn = async (host: SshHost) =>
        (await host.exec(['tmux', '-L', socket, 'list-sessions', '-F', '#{session_name}'])).stdout
          .split('\n')
          .filter((line) => line !== '');
      const watching = async (host: SshHost) =>
        (await hostProcesses(host)).filter((line) => line.includes('watch --stream'));
      // The czar (in its tmux session here) follows each host through a watch there.
      for (const host of [near, cut])
        await waitFor(async () => (await watching(host)).length > 0, { what: `the czar's watch on ${host.alias}` });
      expect(await sessionsOn(near)).toEqual(['n1']);
      await cut.setLink(false);

      const down = await czar(['down', '-c', fixture.configFile], { cwd: fixture.root });
      expect(down.stdout).toContain('stopped 1 session(s) on host "near"');
      expect(down.stderr.trim()).toMatch(
        new RegExp(
          `^czar: Host "cut" \\(${cut.alias}\\) could not be reached to stop it \\(.+\\); its workers \\(c1\\) still run there: run "czar down" again once it is reachable, or "ssh ${cut.alias} tmux -L ${socket} kill-server"\\.$`,
        ),
      );
      expect(down.exitCode).not.toBe(0);
      expect(await fixture.fleet.tmux.serverRunning()).toBe(false);
      expect(await sessionsOn(near)).toEqual([]);
      expect(await watching(near)).toEqual([]);
      const master = (host: SshHost) =>
        SshConnection.forHost(
          fixture.fleet.config.hosts.find((spec) => spec.destination === host.alias) ?? fail(host.alias),
          fixture.fleet.config.stateDir,
        );
      expect(existsSync(master(near).controlPath)).toBe(false);
      // Nothing on the host czar could not reach was touched: its worker still runs there.
      expect(await sessionsOn(cut)).toEqual(['c1']);

      await cut.setLink(true);
      const again = await czar(['down', '-c', fixture.configFile], { cwd: fixture.root });
      expect(again.exitCode, again.stderr).toBe(0);
      expect(again.stdout).toContain('stopped 1 session(s) on host "cut"');
      expect(await sessionsOn(cut)).toEqual([]);
      expect(await watching(cut)).toEqual([]);
      expect(existsSync(master(cut).controlPath)).toBe(false);
    });
  },
);

function fail(name: string): never {
  throw new Error(`no host ${name} in the config`);
}
