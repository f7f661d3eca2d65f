import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { advanceBase } from '../../src/adapters/integration-git.js';
import type { IntegrationRecord } from '../../src/domain/integration.js';
import { runIntegrationChecks } from '../../src/integration/run-checks.js';
import { integrationPaths } from '../../src/integration/candidates.js';
import { runIntegration } from '../../src/integration/runner.js';
import { purgeFleet } from '../../src/launch/purge.js';
import { writeJsonAtomic } from '../../src/adapters/state-files.js';
import type { FleetStatus, WorkerStatus } from '../../src/domain/status-schema.js';
import { czar } from '../helpers/cli.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';
import { branchWith, candidate } from '../helpers/integration.js';

async function setup(options: { advance_base?: boolean } = {}) {
  const fx = await fleetFixture({
    workers: [
      { name: 'x', task: 'x' },
      { name: 'y', task: 'y' },
    ],
    // The check fails when the merged result holds broken.txt.
    integration: { checks: [{ name: 'no-broken', run: 'echo checking; test ! -f broken.txt' }], ...options },
  });
  await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
  await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
  return fx;
}

describe('integration runner (real git, real checks)', () => {
  it('undoes a merge whose checks fail, records the check and its output, and merges the next branch', async () => {
    const fx = await setup();
    const xTip = await branchWith(fx.repo, 'czar/x', 'broken.txt', 'oops\n');
    const yTip = await branchWith(fx.repo, 'czar/y', 'fine.txt', 'fine\n');
    const baseTip = await gitIn(fx.repo, ['rev-parse', 'main']);

    const result = await runIntegration(
      fx.fleet,
      async () => [candidate('x', xTip), candidate('y', yTip)],
      runIntegrationChecks,
    );

    expect(result.events.map((event) => `${event.kind}:${'worker' in event ? event.worker : ''}`)).toEqual([
      'undone:x',
      'merged:y',
    ]);
    const failure = result.record.failed.find((entry) => entry.worker === 'x')?.failure;
    expect(failure).toMatchObject({ kind: 'check', check: 'no-broken', exitCode: 1, timedOut: false });
    expect(failure?.kind === 'check' ? failure.tail : '').toContain('checking');
    // Green: the integration branch has y and not x, and nothing is left half-done in czar's worktree.
    const tip = await gitIn(fx.repo, ['rev-parse', 'czar/integration']);
    expect(result.record.tip).toBe(tip);
    expect(await gitIn(fx.repo, ['ls-tree', '--name-only', 'czar/integration'])).not.toContain('broken.txt');
    expect(await gitIn(fx.repo, ['ls-tree', '--name-only', 'czar/integration'])).toContain('fine.txt');
    expect(await gitIn(integrationPaths(fx.fleet).worktree, ['status', '--porcelain'])).toBe('');
    // Nobody else's branch moved.
    expect(await gitIn(fx.repo, ['rev-parse', 'main'])).toBe(baseTip);
    expect(await gitIn(fx.repo, ['rev-parse', 'czar/x'])).toBe(xTip);
    const saved = JSON.parse(await readFile(integrationPaths(fx.fleet).record, 'utf8')) as IntegrationRecord;
    expect(saved.failed.map((entry) => entry.tip)).toEqual([xTip]);

    // The same tip is not tried again; the plan says why it is left out.
    const again = await runIntegration(
      fx.fleet,
      async () => [candidate('x', xTip), candidate('y', yTip)],
      runIntegrationChecks,
    );
    expect(again.events).toEqual([]);
    expect(again.plan.find((step) => step.worker === 'x')).toMatchObject({
      kind: 'left_out',
      reason: expect.stringContaining('check "no-broken"'),
    });
  });

  it("a branch git will not merge (a history of its own) is left out with git's reason, and the next branch still goes in", async () => {
    const fx = await setup();
    // A worker branch deleted and made again by its next commit: a root commit, unrelated to base.
    await gitIn(fx.repo, ['checkout', '--quiet', '--orphan', 'czar/x']);
    await gitIn(fx.repo, ['rm', '-rq', '--cached', '.']);
    await writeFile(path.join(fx.repo, 'alone.txt'), 'alone\n');
    await gitIn(fx.repo, ['add', 'alone.txt']);
    await gitIn(fx.repo, ['commit', '--quiet', '-m', 'a root commit']);
    const xTip = await gitIn(fx.repo, ['rev-parse', 'HEAD']);
    await gitIn(fx.repo, ['checkout', '--quiet', '--force', 'main']);
    await rm(path.join(fx.repo, 'alone.txt'), { force: true });
    const yTip = await branchWith(fx.repo, 'czar/y', 'fine.txt', 'fine\n');

    const result = await runIntegration(
      fx.fleet,
      async () => [candidate('x', xTip), candidate('y', yTip)],
      runIntegrationChecks,
    );

    expect(result.events.map((event) => `${event.kind}:${'worker' in event ? event.worker : ''}`)).toEqual([
      'undone:x',
      'merged:y',
    ]);
    expect(result.record.failed.find((entry) => entry.worker === 'x')?.failure).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('unrelated histories'),
    });
    expect(result.plan.find((step) => step.worker === 'x')).toMatchObject({
      kind: 'left_out',
      reason: expect.stringContaining('unrelated histories'),
    });
  });

  it("a merge git refuses for want of the person's identity is czar's trouble, said how to fix, and no branch's failure", async () => {
    const fx = await setup();
    // No name to commit czar's merge as (an unprivileged user with no ~/.gitconfig had none either).
    await gitIn(fx.repo, ['config', 'user.name', '']);
    const xTip = await branchWith(fx.repo, 'czar/x', 'fine.txt', 'fine\n');

    const run = runIntegration(fx.fleet, async () => [candidate('x', xTip)], runIntegrationChecks);

    await expect(run).rejects.toThrow(/git has no identity to commit czar's integration merge .*user\.name/);
    const saved = await readFile(integrationPaths(fx.fleet).record, 'utf8').catch(() => '{}');
    expect((JSON.parse(saved) as Partial<IntegrationRecord>).failed ?? []).toEqual([]);
  });

  it('refuses to merge into an existing branch czar did not create', async () => {
    const fx = await setup();
    await gitIn(fx.repo, ['branch', 'czar/integration', 'main']);
    await expect(runIntegration(fx.fleet, async () => [], runIntegrationChecks)).rejects.toThrow(
      /czar\/integration already exists and czar did not create it; set integration.branch/,
    );
  });

  it('fast-forwards base to a green integration tip, and never when base moved meanwhile', async () => {
    const fx = await setup({ advance_base: true });
    const yTip = await branchWith(fx.repo, 'czar/y', 'fine.txt', 'fine\n');
    const result = await runIntegration(fx.fleet, async () => [candidate('y', yTip)], runIntegrationChecks);
    expect(result.events.map((event) => event.kind)).toEqual(['merged', 'base_advanced']);
    expect(await gitIn(fx.repo, ['rev-parse', 'main'])).toBe(await gitIn(fx.repo, ['rev-parse', 'czar/integration']));
    // The person's checkout of main moved with it and stays clean.
    expect(await gitIn(fx.repo, ['status', '--porcelain'])).toBe('');

    // Compare-and-swap: base is no longer where czar last saw it, so it is left alone.
    await gitIn(fx.repo, ['checkout', '--quiet', '--detach']);
    const moved = await gitIn(fx.repo, ['rev-parse', 'main']);
    const outcome = await advanceBase(fx.repo, 'main', yTip, await gitIn(fx.repo, ['rev-parse', 'czar/y']));
    expect(outcome).toEqual({ kind: 'moved', now: moved });
    expect(await gitIn(fx.repo, ['rev-parse', 'main'])).toBe(moved);
  });

  it('czar integrate --dry-run prints the plan with predicted conflicts and changes nothing; czar integrate does it', async () => {
    const fx = await setup();
    const xTip = await branchWith(fx.repo, 'czar/x', 'README.md', 'x version\n');
    await gitIn(fx.repo, ['commit', '--quiet', '--allow-empty', '-m', 'base moves']);
    const yTip = await branchWith(fx.repo, 'czar/y', 'README.md', 'y version\n');
    const worker = (name: string, tip: string): WorkerStatus => ({
      name,
      state: 'done',
      since: '2025-01-01T10:00:00.000Z',
      branch: `czar/${name}`,
      title: name,
      agent: 'sim',
      git: {
        commitsAhead: 1,
        filesChanged: ['README.md'],
        lastCommit: { sha: tip, subject: 'x', at: '2025-01-01T10:00:00.000Z' },
        dirty: [],
      },
      restarts: 0,
      alerts: [],
      paused: false,
      tasks: [name],
    });
    const status: FleetStatus = {
      project: fx.fleet.config.project,
      base: 'main',
      startedAt: '2025-01-01T10:00:00.000Z',
      updatedAt: '2025-01-01T10:00:00.000Z',
      paused: false,
      workers: [worker('x', xTip), worker('y', yTip)],
      queue: [],
      sprintOver: true,
    };
    await mkdir(fx.fleet.paths.root, { recursive: true });
    await writeJsonAtomic(fx.fleet.paths.status, status);

    const dry = await czar(['integrate', '--dry-run', '-c', fx.configFile], { cwd: fx.root });
    expect(dry.stderr).toBe('');
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(/czar\/integration does not exist yet \(base main\)/);
    expect(dry.stdout).toMatch(/x\s+czar\/x\s+merge [0-9a-f]{10}, merges cleanly/);
    expect(dry.stdout).toMatch(/y\s+czar\/y\s+merge [0-9a-f]{10}, merges cleanly/);
    expect(dry.stdout).toContain('after each merge: no-broken (echo checking; test ! -f broken.txt)');
    expect(await gitIn(fx.repo, ['branch', '--list', 'czar/integration'])).toBe('');

    const real = await czar(['integrate', '-c', fx.configFile], { cwd: fx.root });
    expect(real.stdout).toMatch(/merged x \([0-9a-f]{10}\); checks green/);
    expect(real.stdout).toContain('undid y: conflicts with the integration branch in README.md');
    expect(real.stdout).toContain('no czar is running to hand out the fix-ups');
    expect(real.exitCode).toBe(1);
    // Now the plan knows x is in and y waits for its fix-up.
    const after = await czar(['integrate', '--dry-run', '-c', fx.configFile], { cwd: fx.root });
    expect(after.stdout).toMatch(/x\s+czar\/x\s+already integrated/);
    expect(after.stdout).toMatch(
      /y\s+czar\/y\s+left out: conflicts with the integration branch in README.md; waiting for y's fix-up/,
    );
  });

  describe('a first run cut off after it made the integration branch (as by a czar killed there)', () => {
    /** Something in the way of czar's integration worktree stops the run right after the branch is made. */
    async function cutOffRun() {
      const fx = await setup();
      const xTip = await branchWith(fx.repo, 'czar/x', 'x.txt', 'x\n');
      const { worktree } = integrationPaths(fx.fleet);
      await mkdir(worktree, { recursive: true });
      await writeFile(path.join(worktree, 'in-the-way.txt'), "not czar's\n");
      await expect(runIntegration(fx.fleet, async () => [candidate('x', xTip)], runIntegrationChecks)).rejects.toThrow(
        /integration worktree/,
      );
      expect(await gitIn(fx.repo, ['branch', '--list', '--format=%(refname:short)', 'czar/integration'])).toBe(
        'czar/integration',
      );
      await rm(worktree, { recursive: true, force: true });
      return { fx, xTip };
    }

    it("left the branch recorded as czar's, so the next run merges into it instead of calling it someone else's", async () => {
      const { fx, xTip } = await cutOffRun();
      expect(await readFile(fx.fleet.paths.created, 'utf8')).toContain('"branch":"czar/integration"');
      const result = await runIntegration(fx.fleet, async () => [candidate('x', xTip)], runIntegrationChecks);
      expect(result.events.map((event) => event.kind)).toEqual(['merged']);
    });

    it('left a branch that czar down --purge removes', async () => {
      const { fx } = await cutOffRun();
      const outcome = await purgeFleet(fx.fleet, false);
      expect(outcome.refused).toEqual([]);
      expect(await gitIn(fx.repo, ['branch', '--list', 'czar/integration'])).toBe('');
    });
  });
});
