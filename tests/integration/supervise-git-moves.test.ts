import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const alertOf =
  (kind: string) =>
  (event: { data?: Readonly<Record<string, unknown>> }): boolean =>
    event.data?.alert === kind;

describe('czar supervision: git moved under a worker', () => {
  it("alerts at once when a commit lands on a worker's branch from another checkout, tells the worker how to keep it, and flags a commit made over it", async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'alpha',
          task: '# Alpha\n@sim write src/a.ts export const a = 1;\\n\n@sim commit a\n@sim work 10 long\n@sim write src/a2.ts export const b = 2;\\n\n@sim commit a2\n@sim work 60 more',
        },
      ],
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((status) => workerIn(status, 'alpha').git.commitsAhead === 1, {
      what: 'the first commit of alpha',
    });

    // A person commits on czar/alpha from the main checkout: the worktree's index never sees outside.txt.
    await gitIn(fx.repo, ['checkout', '-q', '--ignore-other-worktrees', 'czar/alpha']);
    await writeFile(path.join(fx.repo, 'outside.txt'), 'from outside\n');
    await gitIn(fx.repo, ['add', 'outside.txt']);
    await gitIn(fx.repo, ['commit', '-q', '-m', 'outside']);
    const outside = (await gitIn(fx.repo, ['rev-parse', 'HEAD'])).trim();
    await gitIn(fx.repo, ['checkout', '-q', 'main']);

    const alert = await fx.waitForEvent('alert', 'alpha', { match: alertOf('branch_moved_outside'), timeoutMs: 8_000 });
    expect(alert.message).toContain(outside.slice(0, 12));
    // Said before the agent committed over it: the branch still ends in the outside commit.
    expect((await gitIn(fx.repo, ['log', '-1', '--format=%s', 'refs/heads/czar/alpha'])).trim()).toBe('outside');
    const told = await waitFor(
      async () => (await fx.captures('alpha')).find((text) => text.includes('outside your worktree')),
      { what: 'the message to alpha' },
    );
    expect(told).toContain(`git reset --keep ${outside}`);

    // The sim does not listen: its next `git add -A` commit drops outside.txt, and the alert says so.
    const over = await fx.waitForStatus(
      (status) => workerIn(status, 'alpha').alerts.some((candidate) => /was made on top of/.test(candidate.message)),
      { timeoutMs: 30_000, what: 'the committed-over alert' },
    );
    expect(
      workerIn(over, 'alpha').alerts.find((candidate) => candidate.kind === 'branch_moved_outside')?.message,
    ).toContain(outside.slice(0, 12));
  });

  it("alerts a worker branch deleted outside czar, then the new history its next commit began, and leaves that branch out of the integration branch with git's reason", async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'gamma',
          task: '# Gamma\n@sim write src/g.ts export const g = 1;\\n\n@sim commit g\n@sim work 8 long\n@sim write src/g2.ts export const h = 2;\\n\n@sim commit g2\n@sim done finished',
        },
      ],
    });
    await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
    await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((status) => workerIn(status, 'gamma').git.commitsAhead === 1, {
      what: 'the first commit of gamma',
    });
    const tip = (await gitIn(fx.repo, ['rev-parse', 'refs/heads/czar/gamma'])).trim();
    await gitIn(fx.repo, ['update-ref', '-d', 'refs/heads/czar/gamma']);

    const gone = await fx.waitForEvent('alert', 'gamma', { match: alertOf('branch_missing'), timeoutMs: 8_000 });
    expect(gone.message).toContain(`git branch czar/gamma ${tip}`);
    await fx.waitForStatus(
      (status) =>
        workerIn(status, 'gamma').alerts.some(
          (alert) => alert.kind === 'branch_moved_outside' && /began a new history/.test(alert.message),
        ),
      { timeoutMs: 30_000, what: 'the new-history alert' },
    );
    // The merge is that worker's failure, recorded with git's reason, and gamma is always listed as left out.
    const undone = await fx.waitForEvent('integration_undone', 'gamma', { timeoutMs: 30_000 });
    expect(undone.message).toContain('unrelated histories');
    const status = await fx.waitForStatus(
      (current) => (current.integration?.leftOut ?? []).some((entry) => entry.worker === 'gamma'),
      { what: 'gamma in leftOut' },
    );
    expect(status.integration?.holds).toEqual([]);
    expect(await fx.events()).not.toContainEqual(expect.objectContaining({ kind: 'integration_error' }));
  });

  it('says a worktree moved away is missing, with its path and how to move it back, and does not call it working', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'beta', task: '# Beta\n@sim work 60 long' }] });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((status) => workerIn(status, 'beta').state === 'working', { what: 'beta working' });
    const worktree = fx.fleet.config.workers[0]?.worktree ?? '';
    const moved = path.join(fx.root, 'moved-beta');
    await gitIn(fx.repo, ['worktree', 'move', worktree, moved]);

    const status = await fx.waitForStatus((current) => workerIn(current, 'beta').state === 'worktree_missing', {
      timeoutMs: 15_000,
      what: 'beta worktree_missing',
    });
    const alert = workerIn(status, 'beta').alerts.find((candidate) => candidate.kind === 'worktree_missing');
    expect(alert?.message).toContain(worktree);
    expect(alert?.message).toContain(`git worktree move ${moved} ${worktree}`);

    await gitIn(fx.repo, ['worktree', 'move', moved, worktree]);
    await fx.waitForStatus(
      (current) =>
        workerIn(current, 'beta').state !== 'worktree_missing' && workerIn(current, 'beta').alerts.length === 0,
      { timeoutMs: 15_000, what: 'beta back' },
    );
  });

  it('says once that base is gone, keeps the counts it had, and nudges no finished worker meanwhile', async () => {
    const fx = await fleetFixture({
      workers: [
        { name: 'fin', task: '# Fin\n@sim write src/f.ts export const f = 1;\\n\n@sim commit f\n@sim done finished' },
        { name: 'long', task: '# Long\n@sim work 60 long' },
      ],
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus(
      (status) => workerIn(status, 'fin').state === 'done' && workerIn(status, 'fin').git.commitsAhead === 1,
      { what: 'fin done' },
    );
    await gitIn(fx.repo, ['branch', '-m', 'main', 'trunk']);

    const gone = await fx.waitForEvent('base_missing', undefined, { timeoutMs: 15_000 });
    expect(gone.message).toContain('base main is gone');
    const status = await fx.waitForStatus((current) => current.baseMissing === true, { what: 'baseMissing in status' });
    expect(workerIn(status, 'fin').git.commitsAhead).toBe(1);
    // Past idle_after and escalate_after of the fixture (3 s, 4 s): still nothing but the one event.
    await fx.waitForStatus((current) => Date.parse(current.updatedAt) > Date.parse(gone.at) + 8_000, {
      timeoutMs: 30_000,
      what: 'a status 8 s after base went',
    });
    const events = await fx.events();
    expect(events.filter((event) => event.kind === 'base_missing')).toHaveLength(1);
    expect(
      events.filter(
        (event) => event.worker === 'fin' && ['nudge', 'rebrief', 'restart'].includes(event.kind) && event.at > gone.at,
      ),
    ).toEqual([]);
    expect(
      workerIn((await fx.status()) ?? status, 'fin').alerts.filter((alert) => alert.kind === 'no_evidence'),
    ).toEqual([]);

    await gitIn(fx.repo, ['branch', '-m', 'trunk', 'main']);
    await fx.waitForEvent('base_back', undefined, { timeoutMs: 15_000 });
  });
});
