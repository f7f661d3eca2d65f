import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IntegrationRecord } from '../../src/domain/policy/integration-plan.js';
import { FleetStatusSchema } from '../../src/domain/status/status-schema.js';
import { integrationPaths } from '../../src/integration/candidates.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { gitIn, isAncestor } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

describe('czar supervision: the integration branch', () => {
  // Without checks a branch goes in when done with commits; with checks, only once it is verified.
  it.each([
    ['done with commits', undefined],
    ['verified by checks', [{ name: 'readme', run: 'test -f README.md' }]],
  ] as const)(
    'merges three branches in dependency order, undoes the one that conflicts, gives its worker the fix-up, and merges it after the fix (%s)',
    async (_how, checks) => {
      const fx = await fleetFixture({
        ...(checks === undefined ? {} : { checks }),
        files: { 'shared.txt': 'original\n' },
        workers: [
          {
            name: 'a',
            task: '# Step a\n@sim write shared.txt from a\\n\n@sim write src/a.ts export const a = 1;\\n\n@sim commit a: add a\n@sim done a in',
          },
          {
            name: 'b',
            depends_on: ['a'],
            task: '# Step b\n@sim write src/b.ts export const b = 2;\\n\n@sim commit b: add b\n@sim done b in',
          },
          // c starts from base after a is done, so its change to shared.txt conflicts with a's in the integration branch.
          {
            name: 'c',
            depends_on: ['a'],
            task: '# Step c\n@sim write shared.txt from c\\n\n@sim commit c: change shared\n@sim done c in',
          },
        ],
      });
      // czar's merge commits need an identity; a person's repo has one, a temp repo gets it here.
      await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
      await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
      const baseBefore = await gitIn(fx.repo, ['rev-parse', 'main']);
      const { worktree: integrationWorktree, record: recordFile } = integrationPaths(fx.fleet);
      await fx.launchWave();
      await fx.supervise();

      // c's merge is undone and c is told, with the file named, what to do.
      const undone = await fx.waitForEvent('integration_undone', 'c', { timeoutMs: 60_000 });
      expect(undone.message).toContain('shared.txt');
      const fixup = await waitFor(
        async () => (await fx.captures('c')).find((text) => text.includes('could not go into the integration branch')),
        { timeoutMs: 30_000, what: "c's fix-up" },
      );
      expect(fixup).toContain('git merge czar/integration');
      expect(fixup).toContain('`shared.txt`');
      const record = JSON.parse(await readFile(recordFile, 'utf8')) as IntegrationRecord;
      const failedTip = record.failed.find((entry) => entry.worker === 'c')?.tip;
      expect(failedTip).toMatch(/^[0-9a-f]{40}$/);

      // The integration branch stayed green: back at its previous tip, clean, without c's commit, with a's content.
      expect(await isAncestor(fx.repo, failedTip ?? '', 'czar/integration')).toBe(false);
      expect(await gitIn(integrationWorktree, ['status', '--porcelain'])).toBe('');
      expect(await gitIn(fx.repo, ['show', 'czar/integration:shared.txt'])).toBe('from a');

      // The simulated agent does its fix-up as the message asks: merges the integration branch into its own, keeps
      // both sides of the conflict, commits and reports done.

      await fx.waitForEvent('integrated', 'c', { timeoutMs: 60_000 });
      const events = await fx.events();
      const integrated = events.filter((event) => event.kind === 'integrated').map((event) => event.worker);
      expect(integrated.slice().sort()).toEqual(['a', 'b', 'c']);
      // With checks, each branch went in only after its worker was verified.
      if (checks !== undefined) {
        for (const name of ['a', 'b', 'c']) {
          const verifiedAt = events.findIndex(
            (event) => event.worker === name && event.kind === 'state' && event.message.includes('-> verified'),
          );
          expect(verifiedAt, `${name} verified`).toBeGreaterThanOrEqual(0);
          expect(events.findIndex((event) => event.worker === name && event.kind === 'integrated')).toBeGreaterThan(
            verifiedAt,
          );
        }
      }
      // c's fix-up merge brought a's and b's files into its branch: they are not c's work, so no overlap with b.
      expect(
        events
          .filter((event) => event.kind === 'alert' && event.message.startsWith('overlap'))
          .map((event) => `${event.worker ?? ''} ${event.message}`),
      ).toEqual([]);
      // Dependency order: a before the two that depend on it.
      expect(integrated.indexOf('a')).toBe(0);
      for (const worker of ['a', 'b', 'c'])
        expect(await isAncestor(fx.repo, `czar/${worker}`, 'czar/integration')).toBe(true);
      expect(await gitIn(fx.repo, ['show', 'czar/integration:shared.txt'])).toBe('from c\nfrom a');
      // Each piece went in as a merge commit of its own (--no-ff), and base never moved (advance_base is off).
      const merges = (await gitIn(fx.repo, ['log', '--merges', '--format=%s', 'main..czar/integration'])).split('\n');
      expect(merges.filter((subject) => subject.startsWith('czar: integrate'))).toHaveLength(3);
      expect(await gitIn(fx.repo, ['rev-parse', 'main'])).toBe(baseBefore);
      // The worker's branch was never rewritten: its failed tip is still in its history.
      expect(await isAncestor(fx.repo, failedTip ?? '', 'czar/c')).toBe(true);

      // status.json says what the integration branch holds; at the sprint's end the czar writes the handoff.
      const status = await fx.waitForStatus((s) => s.sprintOver && (s.integration?.holds.length ?? 0) === 3, {
        timeoutMs: 30_000,
        what: 'sprint over with a, b and c integrated',
      });
      expect(status.integration).toMatchObject({ branch: 'czar/integration', leftOut: [], conflicts: [] });
      const handoffFile = path.join(fx.fleet.paths.root, 'HANDOFF.md');
      const handoff = await waitFor(
        async () => {
          const text = await readFile(handoffFile, 'utf8').catch(() => '');
          return text.includes('- holds: a, b, c') ? text : undefined;
        },
        { timeoutMs: 30_000, what: 'HANDOFF.md with a, b and c integrated' },
      );
      expect(handoff).toContain('### c: Step c');
      expect(handoff).toContain('- outstanding conflicts: none');
      expect(handoff).toMatch(/The czar acted \d+ time\(s\) on its own; you acted 0 time\(s\): 100% autonomous\./);
      // The sprint was over only once: after the last merge, not while c's conflict still owed it a fix-up.
      const final = await fx.events();
      const overAt = final.flatMap((event, index) => (event.kind === 'sprint_over' ? [index] : []));
      expect(overAt).toHaveLength(1);
      expect(overAt[0]).toBeGreaterThan(final.findLastIndex((event) => event.kind === 'integrated'));
      // czar status --json carries the same facts, in a status file that still matches its published schema.
      const withHandoff = await fx.waitForStatus((s) => s.handoff?.integration.holds.length === 3, {
        timeoutMs: 30_000,
        what: 'the handoff facts in status.json',
      });
      expect(FleetStatusSchema.safeParse(withHandoff).error).toBeUndefined();
      expect(
        withHandoff.handoff?.workers.map((entry) => [entry.name, entry.integrated, entry.commits.length > 0]),
      ).toEqual([
        ['a', true, true],
        ['b', true, true],
        ['c', true, true],
      ]);
      expect(withHandoff.handoff?.metrics).toMatchObject({ personActions: 0, autonomy: 1 });
    },
  );

  it('lists a worker that is done without commits as left out, with its reason, before any integration run', async () => {
    const fx = await fleetFixture({
      workers: [{ name: 'idle', task: '# Nothing to change\n@sim done nothing needed' }],
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((current) => workerIn(current, 'idle').state === 'done', { what: 'idle done' });
    // The next status written after it says why it is not in the integration branch.
    const status = await fx.waitForStatus((current) => current.integration !== undefined, {
      timeoutMs: 5_000,
      what: 'the integration part of status.json',
    });
    expect(status.integration).toMatchObject({
      branch: 'czar/integration',
      holds: [],
      leftOut: [{ worker: 'idle', reason: 'not finished: done without new commits' }],
    });
    expect(await fx.events()).not.toContainEqual(expect.objectContaining({ kind: 'integrated' }));
  });
});
