import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { czarVersion } from '../../src/adapters/package-files.js';
import { CZAR_BIN } from '../helpers/cli.js';
import { workerIn } from '../helpers/fleet-fixture.js';
import type { FleetStatus } from '../../src/domain/status/status-schema.js';
import { gitIn, tempDir } from '../helpers/git-repo.js';
import { HOST_WORKTREES, hostCaptures, hostFleet } from '../helpers/host-fleet.js';
import { sshHostsUnavailable } from '../helpers/ssh-host.js';
import { waitFor } from '../helpers/wait.js';

const unavailable = await sshHostsUnavailable();

describe.skipIf(unavailable !== undefined)(
  `supervising workers on ssh hosts${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('a done worker on a host gets its bonus, through the same reconcile loop as a local one', async () => {
      const { fixture, machine, supervise } = await hostFleet({
        hosts: [{ name: 'far' }],
        workers: [
          {
            name: 'r1',
            task: '# Remote work\n@sim write src/r1.ts export const r1 = 1;\\n\n@sim commit r1: work\n@sim done remote work in',
            host: 'far',
          },
        ],
        bonus: [{ name: 'extra', task: '# Bonus BONUS-REMOTE\n@sim done bonus in' }],
        // What is tested is the bonus reaching the host's agent: under CI's load the done report took longer than
        // the default 3 s to come over ssh, and a nudge came first.
        policy: { idle_after: '30s' },
      });
      const host = machine('far');
      await fixture.launchWave();
      await supervise();

      const bonus = await fixture.waitForEvent('bonus', 'r1');
      expect(bonus.data).toMatchObject({ task: 'extra' });
      const got = await waitFor(
        async () => {
          const captured = await hostCaptures(host, fixture.captureDir, 'r1');
          return captured.length >= 2 && captured;
        },
        { what: 'the bonus task to reach the agent on the host' },
      );
      expect(got).toHaveLength(2);
      expect(got[1]).toMatch(/Here is your next task \(extra: Bonus BONUS-REMOTE\)/);
      const status = await fixture.waitForStatus(
        (s) => workerIn(s, 'r1').state === 'done' && workerIn(s, 'r1').tasks.length === 2,
        { what: 'r1 done with its bonus task' },
      );
      expect(workerIn(status, 'r1').restarts).toBe(0);

      // czar pushed the done worker's branch from the host to the shared remote and fetched it here.
      const hostTip = (
        await host.exec(['git', '-C', fixture.fleet.config.workers[0]?.worktree ?? '', 'rev-parse', 'HEAD'])
      ).stdout.trim();
      expect(hostTip).toMatch(/^[0-9a-f]{40}$/);
      expect((await gitIn(fixture.repo, ['ls-remote', 'origin', 'refs/heads/czar/r1'])).split('\t')[0]).toBe(hostTip);
      expect((await gitIn(fixture.repo, ['rev-parse', 'czar/r1'])).trim()).toBe(hostTip);
    });
  },
);

describe.skipIf(unavailable !== undefined)(
  `a host's link dropped mid-sprint${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('keeps the worker running, says the host is unreachable, and adopts it again with nothing lost or doubled', async () => {
      const { fixture, machine, supervise } = await hostFleet({
        hosts: [{ name: 'far' }],
        workers: [
          {
            name: 'r1',
            task: '# Long remote work\n@sim report working 10 started\n@sim work 600 the long part',
            host: 'far',
          },
        ],
        policy: { idle_after: '10m', stuck_after: '20m', escalate_after: '10m' },
      });
      const host = machine('far');
      await fixture.launchWave();
      await supervise();
      await fixture.waitForStatus((s) => workerIn(s, 'r1').progress === 10, { what: 'r1 at 10%' });
      const panePid = (
        await host.exec([
          'tmux',
          '-L',
          fixture.fleet.config.tmuxSocket,
          'display-message',
          '-p',
          '-t',
          '=r1:',
          '#{pane_pid}',
        ])
      ).stdout.trim();

      const reachable = await fixture.waitForStatus((s) => s.hosts?.[0]?.state === 'reachable', {
        what: 'host far reachable in status.json',
      });
      expect(reachable.hosts).toEqual([
        { name: 'far', state: 'reachable', since: expect.any(String) as string, workers: ['r1'] },
      ]);
      expect(workerIn(reachable, 'r1').host).toBe('far');

      await host.setLink(false);
      const cutAt = Date.now();
      await fixture.waitForEvent('host_unreachable', undefined, { timeoutMs: 30_000 });
      // status.json says so too, with since when and why, and which workers are out of sight.
      const cut = await fixture.waitForStatus((s) => s.hosts?.[0]?.state === 'unreachable', {
        what: 'host far unreachable in status.json',
      });
      const [far] = cut.hosts ?? [];
      expect(far).toMatchObject({ name: 'far', state: 'unreachable', workers: ['r1'] });
      expect(Date.parse(far?.since ?? '')).toBeGreaterThanOrEqual(cutAt - 1_000);
      expect(far?.reason).toMatch(/\S/);
      // While cut off, the worker goes on and reports: that report must arrive once the link is back.
      const stateDir = `${HOST_WORKTREES}/${fixture.fleet.config.project}/state`;
      // As r1's agent would: in its worktree on the host, with the proof its session there was given.
      const shown = await host.exec([
        'tmux',
        '-L',
        fixture.fleet.config.tmuxSocket,
        'show-environment',
        '-t',
        '=r1',
        'CZAR_WORKER_PROOF',
      ]);
      const worktree = fixture.fleet.config.workers.find((worker) => worker.name === 'r1')?.worktree ?? '';
      const report = await host.exec([
        'env',
        '-C',
        worktree,
        'CZAR_WORKER=r1',
        shown.stdout.trim(),
        `CZAR_STATE_DIR=${stateDir}`,
        process.execPath,
        CZAR_BIN,
        'report',
        '--task',
        'r1',
        '--state',
        'working',
        '--progress',
        '70',
        '--note',
        'during the outage',
      ]);
      expect(report.exitCode).toBe(0);
      await host.setLink(true);

      await fixture.waitForEvent('host_reachable', undefined, { timeoutMs: 40_000 });
      const back = await fixture.waitForStatus((s) => s.hosts?.[0]?.state === 'reachable', {
        what: 'host far reachable again in status.json',
      });
      expect(back.hosts?.[0]?.reason).toBeUndefined();
      const status = await fixture.waitForStatus((s) => workerIn(s, 'r1').progress === 70, {
        what: 'the report made during the outage',
      });
      expect(workerIn(status, 'r1').note).toBe('during the outage');
      expect(workerIn(status, 'r1').restarts).toBe(0);
      // The same agent process, given its task once.
      expect(
        (
          await host.exec([
            'tmux',
            '-L',
            fixture.fleet.config.tmuxSocket,
            'display-message',
            '-p',
            '-t',
            '=r1:',
            '#{pane_pid}',
          ])
        ).stdout.trim(),
      ).toBe(panePid);
      expect(await hostCaptures(host, fixture.captureDir, 'r1')).toHaveLength(1);
      expect((await fixture.events()).filter((event) => event.kind === 'task_delivered')).toHaveLength(1);
      // The local copy of the pane log is the host's log from its first byte: no byte lost or doubled.
      // The host's log is read again on each look: the agent's screen keeps writing to it while the copy catches up.
      const logs = await waitFor(
        async () => {
          const hostLog = (await host.exec(['cat', `${stateDir}/logs/r1.log`])).stdout;
          const text = await readFile(path.join(fixture.fleet.paths.logs, 'r1.log'), 'utf8').catch(() => '');
          return text !== '' && hostLog.startsWith(text) && text.length >= hostLog.length - 4096 && { hostLog, text };
        },
        { what: 'the local pane log to catch up' },
      );
      expect(logs.hostLog.startsWith(logs.text)).toBe(true);
    });
  },
);

describe.skipIf(unavailable !== undefined)(
  `a host with another czar version${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('is refused with the command that fixes it', async () => {
      // A czar watch of another version on the host: it says hello with its version, as every czar watch does
      // first. The launch's own step there is this czar's, so the worker starts and the stream is what refuses.
      const otherCzar = await tempDir('czar-other-');
      await writeFile(
        path.join(otherCzar, 'czar'),
        `#!/bin/sh\nif [ "$1" = watch ]; then echo '{"kind":"hello","version":"0.0.1-old"}'; exec sleep 600; fi\nexec '${process.execPath}' '${CZAR_BIN}' "$@"\n`,
        { mode: 0o755 },
      );
      const { fixture, machine, supervise } = await hostFleet({
        hosts: [{ name: 'far', share: [otherCzar], pathFirst: otherCzar }],
        workers: [{ name: 'r1', task: '# Remote\n@sim work 600 the long part', host: 'far' }],
      });
      const host = machine('far');
      await fixture.launchWave();
      await supervise();
      const refused = await fixture.waitForEvent('host_refused');
      expect(refused.message).toBe(
        `host "far" runs czar 0.0.1-old but this is czar ${czarVersion()}; run "ssh ${host.alias} npm install -g czar@${czarVersion()}" and start the czar again`,
      );
    });
  },
);

describe.skipIf(unavailable !== undefined)(
  `conflicts across machines${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('predicts a conflict between a local branch and a branch committed on a host', async () => {
      const busy = '# Keep busy\n@sim work 120 on the feature';
      const { fixture, machine, supervise } = await hostFleet({
        files: { 'shared.txt': 'one\ntwo\nthree\n' },
        hosts: [{ name: 'far' }],
        workers: [
          { name: 'here', task: busy },
          { name: 'there', task: busy, host: 'far' },
        ],
        policy: { idle_after: '5m', stuck_after: '10m', escalate_after: '5m' },
      });
      const host = machine('far');
      await fixture.launchWave();
      await supervise();
      const [here, there] = fixture.fleet.config.workers.map((worker) => worker.worktree);
      if (here === undefined || there === undefined) throw new Error('two worktrees expected');
      await writeFile(path.join(here, 'shared.txt'), 'one\nTWO from here\nthree\n');
      await gitIn(here, ['commit', '-q', '-am', 'here edits line two']);
      const onHost = ['git', '-C', there, '-c', 'user.name=Host Worker', '-c', 'user.email=host@czar.invalid'];
      expect(
        (await host.exec(['sh', '-c', 'printf "one\\nTWO from there\\nthree\\n" > "$1"', 'sh', `${there}/shared.txt`]))
          .exitCode,
      ).toBe(0);
      expect((await host.exec([...onHost, 'commit', '-q', '-am', 'there edits line two'])).exitCode).toBe(0);

      const conflictOf = (status: FleetStatus, worker: string) =>
        workerIn(status, worker).alerts.find((alert) => alert.kind === 'conflict');
      const flagged = await fixture.waitForStatus(
        (s) => conflictOf(s, 'here') !== undefined && conflictOf(s, 'there') !== undefined,
        { what: 'conflict alerts on both machines', timeoutMs: 20_000 },
      );
      expect(conflictOf(flagged, 'here')).toMatchObject({ peer: 'there', files: ['shared.txt'] });
      expect(conflictOf(flagged, 'there')).toMatchObject({ peer: 'here', files: ['shared.txt'] });
    });
  },
);
