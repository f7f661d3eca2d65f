import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { czarVersion } from '../../src/adapters/package-files.js';
import { gitIn, tempDir } from '../helpers/git-repo.js';
import { HOST_WORKTREES, hostCaptures, hostFleet, launchNow } from '../helpers/host-fleet.js';
import { hostStateDir, hostWorktreePath } from '../../src/domain/model/host-layout.js';
import { proofFile, statePaths } from '../../src/domain/model/paths.js';
import { waitFor } from '../helpers/wait.js';
import { sshHostsUnavailable } from '../helpers/ssh-host.js';
import { initialPrompt } from '../../src/launch/prompts.js';

const unavailable = await sshHostsUnavailable();

/** A task long enough to be pasted in several chunks, with characters a shell or tmux would eat if quoted wrong. */
function task(name: string): string {
  return [
    `# Task for ${name}`,
    '',
    `Quote test: it's "$HOME" \`id\` ; rm -rf ~ \\ end.`,
    ...Array.from({ length: 40 }, (_, i) => `line ${i} of ${name}'s task`),
    `last line of ${name}`,
  ].join('\n');
}

describe.skipIf(unavailable !== undefined)(
  `workers on ssh hosts${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('launches 2 hosts x 3 workers and 2 local workers from one config, each task delivered once and whole', async () => {
      const names = { one: ['a1', 'a2', 'a3'], two: ['b1', 'b2', 'b3'], local: ['l1', 'l2'] };
      // Host one's czar notes each command it runs (a process each) before it runs it.
      const counted = await tempDir('czar-counted-');
      const calls = path.join(counted, 'calls');
      await writeFile(
        path.join(counted, 'czar'),
        `#!/bin/sh\necho "$1" >> '${calls}'\nexec '${path.resolve(import.meta.dirname, '../../bin/czar')}' "$@"\n`,
        { mode: 0o755 },
      );
      const { fixture, machine } = await hostFleet({
        hosts: [
          { name: 'one', maxWorkers: 3, share: [counted], pathFirst: counted },
          { name: 'two', maxWorkers: 3 },
        ],
        policy: { max_active: 8, launch_concurrency: 8 },
        workers: [
          ...names.one.map((name) => ({ name, task: task(name), host: 'one' })),
          ...names.two.map((name) => ({ name, task: task(name), host: 'two' })),
          ...names.local.map((name) => ({ name, task: task(name) })),
        ],
      });
      // What each agent must get, rendered before launch (a prompt rendered after the sims commit would differ).
      const prompts = new Map(
        await Promise.all(
          fixture.fleet.config.workers.map(
            async (worker) => [worker.name, await initialPrompt(fixture.fleet.config, worker)] as const,
          ),
        ),
      );
      const prompt = (name: string): string => prompts.get(name) ?? fail(name);
      const [one, two] = [machine('one'), machine('two')];
      await fixture.launchWave();
      // One czar process made the worktrees and files of all three of its workers.
      expect((await readFile(calls, 'utf8')).split('\n')).toEqual(['host-prepare', '']);

      for (const [host, workers] of [
        [one, names.one],
        [two, names.two],
      ] as const) {
        for (const name of workers) {
          const got = await waitFor(
            async () => {
              const captured = await hostCaptures(host, fixture.captureDir, name);
              return captured.length > 0 && captured;
            },
            { what: `the task of ${name} to reach its agent` },
          );
          expect(got).toEqual([prompt(name)]);
        }
        // Each host runs its own workers and nobody else's, in tmux there.
        const sessions = (
          await host.exec(['tmux', '-L', fixture.fleet.config.tmuxSocket, 'list-sessions', '-F', '#{session_name}'])
        ).stdout
          .split('\n')
          .sort();
        expect(sessions).toEqual([...workers].sort());
      }
      for (const name of names.local) {
        const got = await waitFor(
          async () => {
            const captured = await fixture.captures(name);
            return captured.length > 0 && captured;
          },
          { what: `the task of ${name} to reach its agent` },
        );
        expect(got).toEqual([prompt(name)]);
      }
      expect((await fixture.fleet.tmux.listSessions()).sort()).toEqual(names.local);

      // Branches of host workers are on the shared remote from the start.
      const heads = await gitIn(fixture.repo, ['ls-remote', '--heads', 'origin']);
      for (const name of [...names.one, ...names.two]) expect(heads).toContain(`refs/heads/czar/${name}`);

      // Running the launch again adopts what runs: nothing is delivered twice, and an adopted agent's proof stays the
      // one its session was given.
      const a1Proof = proofFile(
        statePaths(hostStateDir({ worktrees: HOST_WORKTREES }, fixture.fleet.config.project)),
        'a1',
      );
      const proofBefore = (await one.exec(['cat', a1Proof])).stdout;
      expect(proofBefore).toMatch(/\S/);
      await launchNow(fixture.fleet);
      for (const name of names.one) expect(await hostCaptures(one, fixture.captureDir, name)).toHaveLength(1);
      expect((await one.exec(['cat', a1Proof])).stdout).toBe(proofBefore);

      // The launch spoke to each host's tmux through one control client over its ssh link, not a session a command.
      const socket = fixture.fleet.config.tmuxSocket;
      const controlClients = async (): Promise<string[]> =>
        (await one.exec(['tmux', '-L', socket, 'list-clients', '-F', '#{client_control_mode} #{client_pid}'])).stdout
          .split('\n')
          .filter((line) => line.startsWith('1 '));
      const [first, ...more] = await controlClients();
      expect(first).toBeDefined();
      expect(more).toEqual([]);
      // A client that dies (a dropped channel) costs nothing: commands go one process each, then through a new one.
      await one.exec(['kill', first?.split(' ')[1] ?? '']);
      const tmux = fixture.fleet.hosts.link('one').tmux;
      const newClient = await waitFor(
        async () => {
          expect((await tmux.listSessions()).sort()).toEqual([...names.one].sort());
          const clients = await controlClients();
          return clients.length === 1 && clients[0] !== first && clients[0];
        },
        { what: 'a new control client on host one' },
      );
      expect(newClient).toMatch(/^1 \d+$/);
    });

    it('fails the workers of a host whose czar is older or another version with one sentence saying what to install', async () => {
      // An older czar has no host-prepare; another version's host-prepare refuses before it makes anything.
      const older = await tempDir('czar-older-');
      await writeFile(
        path.join(older, 'czar'),
        `#!/bin/sh\necho 'czar: "host-prepare" is not a czar command. Run "czar help" for the list.' >&2\nexit 2\n`,
        { mode: 0o755 },
      );
      const other = await tempDir('czar-other-');
      await writeFile(
        path.join(other, 'czar'),
        `#!/bin/sh\necho '{"version":"9.9.9","error":{"code":"czar_version","message":"This host runs czar 9.9.9."}}'\nexit 1\n`,
        { mode: 0o755 },
      );
      const { fixture, machine } = await hostFleet({
        hosts: [
          { name: 'older', share: [older], pathFirst: older },
          { name: 'other', share: [other], pathFirst: other },
        ],
        workers: [
          { name: 'o1', task: task('o1'), host: 'older' },
          { name: 'v1', task: task('v1'), host: 'other' },
          { name: 'l1', task: task('l1') },
        ],
      });
      const wave = await launchNow(fixture.fleet);
      expect(wave.started).toEqual(['l1']);
      const messages = new Map(wave.failed.map((failure) => [failure.worker, (failure.error as Error).message]));
      expect(messages.get('o1')).toBe(
        `"czar host-prepare" on host "older" did not start o1 (exit 2: czar: "host-prepare" is not a czar command. Run "czar help" for the list.); install czar ${czarVersion()} there, the version of this machine ("czar doctor" checks it).`,
      );
      expect(messages.get('v1')).toBe(
        `host "other" runs czar 9.9.9 but this is czar ${czarVersion()}, so v1 was not started there; run "ssh ${machine('other').alias} npm install -g czar@${czarVersion()}" and launch again.`,
      );
      // No session was made there.
      for (const name of ['older', 'other'])
        expect(
          (await machine(name).exec(['tmux', '-L', fixture.fleet.config.tmuxSocket, 'list-sessions'])).exitCode,
        ).not.toBe(0);
    });

    it('fails only the host workers it cannot prepare (a folder in the way, a branch the remote refuses), launching the rest', async () => {
      const { fixture, machine } = await hostFleet({
        hosts: [{ name: 'one', maxWorkers: 4 }],
        workers: ['k1', 'k2', 'k3', 'k4'].map((name) => ({ name, task: task(name), host: 'one' })),
      });
      const blocked = hostWorktreePath({ worktrees: HOST_WORKTREES }, fixture.fleet.config.project, 'k2');
      await machine('one').exec(['mkdir', '-p', blocked]);
      // The shared remote takes every branch but k4's.
      const origin = (await gitIn(fixture.repo, ['remote', 'get-url', 'origin'])).trim();
      await writeFile(
        path.join(origin, 'hooks', 'update'),
        '#!/bin/sh\ncase "$1" in refs/heads/czar/k4) echo "k4 is not welcome" >&2; exit 1;; esac\n',
        { mode: 0o755 },
      );
      const wave = await launchNow(fixture.fleet);
      expect([...wave.started].sort()).toEqual(['k1', 'k3']);
      expect(wave.failed.map((failure) => [failure.worker, (failure.error as Error).message]).sort()).toEqual([
        ['k2', `${blocked} on host "one" exists but is not a git worktree; move it away, czar never overwrites it.`],
        [
          'k4',
          'Host "one" could not push the new branch czar/k4 to remote "origin" ([remote rejected] (hook declined)); let that remote take it, then launch again.',
        ],
      ]);
      // The folder in the way is as it was; neither has a session there; the others' branches reached the remote.
      expect((await machine('one').exec(['ls', '-A', blocked])).stdout).toBe('');
      expect((await fixture.fleet.hosts.link('one').tmux.listSessions()).sort()).toEqual(['k1', 'k3']);
      const heads = await gitIn(fixture.repo, ['ls-remote', '--heads', 'origin']);
      expect(['czar/k1', 'czar/k3', 'czar/k4'].map((branch) => heads.includes(`refs/heads/${branch}`))).toEqual([
        true,
        true,
        false,
      ]);
    });

    it('fails the workers of an unreachable host with one clear error each and launches the rest', async () => {
      const { fixture } = await hostFleet({
        // "gone" is the same machine on a port nobody listens on.
        hosts: [
          { name: 'up', maxWorkers: 2 },
          { name: 'gone', maxWorkers: 2, sameMachineAs: 'up', port: 9 },
        ],
        workers: [
          { name: 'r1', task: task('r1'), host: 'up' },
          { name: 'g1', task: task('g1'), host: 'gone' },
          { name: 'g2', task: task('g2'), host: 'gone' },
          { name: 'l1', task: task('l1') },
        ],
      });
      const wave = await launchNow(fixture.fleet);
      expect([...wave.started].sort()).toEqual(['l1', 'r1']);
      expect(wave.failed.map((failure) => failure.worker).sort()).toEqual(['g1', 'g2']);
      for (const failure of wave.failed) {
        expect(String((failure.error as Error).message)).toMatch(
          /^Host "gone" \(czh-\w+ port 9\) is unreachable: .*Connection refused; check that "ssh czh-\w+ true" works from here/,
        );
      }
      const failedEvents = (await fixture.events()).filter((event) => event.kind === 'launch_failed');
      expect(failedEvents.map((event) => event.worker).sort()).toEqual(['g1', 'g2']);
    });
  },
);

function fail(name: string): never {
  throw new Error(`no worker ${name}`);
}
