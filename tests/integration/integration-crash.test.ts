import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runIntegrationChecks } from '../../src/integration/run-checks.js';
import { integrationPaths } from '../../src/integration/candidates.js';
import { runIntegration } from '../../src/integration/runner.js';
import { fleetFixture, PACKAGE_ROOT, workerIn } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';
import { branchWith, candidate } from '../helpers/integration.js';
import { waitFor } from '../helpers/wait.js';

describe('integration runner: a czar killed mid-check', () => {
  it('the merge it was checking is undone and judged again, so the branch holds only what the record says', async () => {
    // The check of a result holding alpha.txt hangs (noting so in the fixture's root, three folders up) until released.
    const check = 'test ! -f alpha.txt || test -f ../../../released || { touch ../../../hanging; sleep 300; }';
    const fx = await fleetFixture({
      workers: [
        { name: 'alpha', task: 'a' },
        { name: 'beta', task: 'b' },
      ],
      integration: { checks: [{ name: 'hang', run: check, timeout: '10m' }] },
    });
    await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
    await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
    const alpha = await branchWith(fx.repo, 'czar/alpha', 'alpha.txt', 'alpha\n');
    const beta = await branchWith(fx.repo, 'czar/beta', 'beta.txt', 'beta\n');
    const candidates = [candidate('alpha', alpha), candidate('beta', beta)];

    // A czar of its own process runs the integration and is SIGKILLed while alpha's merge is being checked.
    const dist = (file: string): string => JSON.stringify(path.join(PACKAGE_ROOT, 'dist', file));
    const script = [
      `const { loadConfig } = await import(${dist('config/load.js')});`,
      `const { openFleet } = await import(${dist('fleet/handle.js')});`,
      `const { runIntegration } = await import(${dist('integration/runner.js')});`,
      `const { runIntegrationChecks } = await import(${dist('integration/run-checks.js')});`,
      `const fleet = openFleet(await loadConfig(${JSON.stringify(fx.configFile)}));`,
      `await runIntegration(fleet, async () => ${JSON.stringify(candidates)}, runIntegrationChecks);`,
    ].join('\n');
    const czar = execa(process.execPath, ['--input-type=module', '-e', script], { reject: false });
    await waitFor(() => existsSync(path.join(fx.root, 'hanging')), {
      timeoutMs: 20_000,
      what: "the check of alpha's merge to hang",
    });
    czar.kill('SIGKILL');
    await czar;
    const paths = integrationPaths(fx.fleet);
    // git holds alpha's merge; the record does not.
    expect(
      await gitIn(fx.repo, ['merge-base', '--is-ancestor', alpha, 'czar/integration']).then(
        () => true,
        () => false,
      ),
    ).toBe(true);

    await writeFile(path.join(fx.root, 'released'), '');
    const result = await runIntegration(fx.fleet, async () => candidates, runIntegrationChecks);
    expect(result.events.map((event) => `${event.kind}:${'worker' in event ? event.worker : ''}`)).toEqual([
      'merged:alpha',
      'merged:beta',
    ]);
    expect(result.record.merged.map((entry) => entry.worker)).toEqual(['alpha', 'beta']);
    const tip = await gitIn(fx.repo, ['rev-parse', 'czar/integration']);
    expect(result.record.tip).toBe(tip);
    // One merge of alpha, not two: the unrecorded one was undone before alpha went in again.
    expect((await gitIn(fx.repo, ['log', '--merges', '--format=%s', 'czar/integration'])).split('\n')).toEqual([
      'czar: integrate beta (czar/beta)',
      'czar: integrate alpha (czar/alpha)',
    ]);
    const saved = JSON.parse(await readFile(paths.record, 'utf8')) as { pending?: unknown };
    expect(saved.pending).toBeUndefined();
  });
});

describe('czar supervision: a transient integration failure', () => {
  it('is retried with backoff and raises an alert while it lasts; the sprint is not over until the done worker is in', async () => {
    const fx = await fleetFixture({
      workers: [
        { name: 'fin', task: '# Finish\n@sim write src/fin.ts export {};\\n\n@sim commit fin\n@sim done finished' },
      ],
      policy: { idle_after: '1m', escalate_after: '1m' },
    });
    await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
    await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
    // czar's integration worktree exists (an earlier run made it), and a git there holds its index lock.
    await runIntegration(fx.fleet, async () => [], runIntegrationChecks);
    const worktree = integrationPaths(fx.fleet).worktree;
    const lock = path.join(await gitIn(worktree, ['rev-parse', '--absolute-git-dir']), 'index.lock');
    await writeFile(lock, '');
    await fx.launchWave();
    await fx.supervise();

    await fx.waitForEvent('integration_error', undefined, { match: (event) => /index\.lock/.test(event.message) });
    const troubled = await fx.waitForStatus(
      (s) => workerIn(s, 'fin').alerts.some((alert) => alert.kind === 'integration_failed'),
      { what: 'an integration_failed alert after retries' },
    );
    expect((await fx.events()).filter((event) => event.kind === 'integration_error').length).toBeGreaterThanOrEqual(3);
    expect(workerIn(troubled, 'fin').alerts.find((alert) => alert.kind === 'integration_failed')?.message).toMatch(
      /czar\/integration.*index\.lock.*tries again/,
    );
    expect(troubled.sprintOver).toBe(false);

    await rm(lock);
    const over = await fx.waitForStatus((s) => s.sprintOver, {
      timeoutMs: 60_000,
      what: 'the retry to merge fin and the sprint to end',
    });
    expect(over.integration?.holds).toEqual(['fin']);
    expect(workerIn(over, 'fin').alerts).toEqual([]);
  });
});
