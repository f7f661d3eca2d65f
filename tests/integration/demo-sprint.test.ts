import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fleetAgentFiles } from '../../src/adapters/private-files.js';
import { cleanEnv } from '../../src/adapters/process.js';
import { Tmux } from '../../src/adapters/tmux.js';
import type { FleetEvent } from '../../src/domain/model/words.js';
import { CZAR_BIN } from '../helpers/cli.js';
import { gitIn } from '../helpers/git-repo.js';
import { TIMEOUT_SCALE as scale } from '../helpers/wait.js';

const WORKERS = ['cart', 'catalog', 'checkout', 'docs'];

/** The first event after `from` that matches, and where it is (-1 when there is none). */
function find(events: readonly FleetEvent[], match: (event: FleetEvent) => boolean, from = 0): number {
  const index = events.slice(from).findIndex(match);
  return index === -1 ? -1 : from + index;
}

describe('czar demo without a terminal (as CI runs it)', () => {
  it(
    'shows a check failing and fixed, a predicted conflict resolved by its worker, and ends integrated with a handoff',
    async () => {
      // CI=true and no stdin: exactly how CI runs "npm run demo </dev/null".
      // The person's own record of outcomes, which the demo's simulated sprint must leave alone.
      const record = await mkdtemp(path.join(tmpdir(), 'czar-demo-record-'));
      onTestFinished(() => rm(record, { recursive: true, force: true }));
      const run = execa(process.execPath, [CZAR_BIN, 'demo'], {
        env: { ...cleanEnv(), CI: 'true', CZAR_LEARN_DIR: record },
        extendEnv: false,
        stdin: 'ignore',
        reject: false,
        timeout: 240_000 * scale,
      });
      const root = await new Promise<string | undefined>((resolve) => {
        let output = '';
        run.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          const found = /czar demo in (\S+):/.exec(output)?.[1];
          if (found !== undefined) resolve(found);
        });
        void run.then(() => resolve(undefined));
      });
      onTestFinished(async () => {
        run.kill('SIGKILL');
        const project =
          root === undefined
            ? undefined
            : /^project: (\S+)$/m.exec(readFileSync(path.join(root, 'czar.yaml'), 'utf8'))?.[1];
        if (project !== undefined) await new Tmux(`czar-${project}`).killServer();
        if (root !== undefined) await rm(root, { recursive: true, force: true });
      });
      const result = await run;
      expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(root).toBeDefined();
      // Boxed where bubblewrap is, and saying so; unboxed, saying why, where it is not.
      expect(result.stdout).toMatch(
        existsSync('/usr/bin/bwrap') ? /^each worker runs in a box of its own/m : /^the workers run unboxed: /m,
      );
      const state = path.join(root ?? '', '.czar');
      const repo = path.join(root ?? '', 'shop');
      // The repository stays for a look, and the workers' agent files in the person's cache do not.
      const project = /^project: (\S+)$/m.exec(readFileSync(path.join(root ?? '', 'czar.yaml'), 'utf8'))?.[1] ?? '';
      expect(existsSync(repo)).toBe(true);
      expect(existsSync(fleetAgentFiles(project, state))).toBe(false);
      // Its outcomes are in its own folder, none in the person's record.
      expect(readFileSync(path.join(root ?? '', 'record', 'outcomes.jsonl'), 'utf8')).toMatch(/"agent":"sim"/);
      expect(await readdir(record)).toEqual([]);

      // It ends by printing where the handoff is, and the handoff is there.
      const handoffFile = path.join(state, 'HANDOFF.md');
      expect(result.stdout).toContain(`handoff: ${handoffFile}`);
      const handoff = await readFile(handoffFile, 'utf8');
      // docs's sub-worker is finished once docs's branch holds it, and reaches the integration branch only through it.
      expect(handoff).toContain('5 of 5 worker(s) finished · 4 integrated into `czar/integration`');
      expect(handoff).toContain('  - docs-examples: branch `czar/docs-examples`, merged into its parent');
      expect(handoff).not.toContain('not finished');
      expect(handoff).toContain('- outstanding conflicts: none');

      const events = (await readFile(path.join(state, 'events.jsonl'), 'utf8'))
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as FleetEvent);
      const of =
        (worker: string, kind: string) =>
        (event: FleetEvent): boolean =>
          event.worker === worker && event.kind === kind;

      // What the demo showed before: a dependency released, a nudge, a realign, the two bonus tasks.
      expect(
        find(
          events,
          (event) =>
            event.worker === 'checkout' && event.kind === 'launch' && event.message.includes('dependencies done: cart'),
        ),
      ).toBeGreaterThan(-1);
      expect(find(events, of('cart', 'nudge'))).toBeGreaterThan(-1);
      expect(find(events, of('docs', 'realign'))).toBeGreaterThan(-1);
      expect(events.filter((event) => event.kind === 'bonus')).toHaveLength(2);

      // The reviewer sends catalog back once with a finding; its fix is a new commit, approved on round 2.
      const sentBackAt = find(events, of('catalog', 'review_changes_requested'));
      expect(sentBackAt).toBeGreaterThan(-1);
      const reviewFixupAt = find(events, of('catalog', 'review_fixup'), sentBackAt);
      expect(reviewFixupAt).toBeGreaterThan(sentBackAt);
      const approvedAt = find(events, of('catalog', 'review_approved'), reviewFixupAt);
      expect(approvedAt).toBeGreaterThan(reviewFixupAt);
      expect(events[approvedAt]?.data?.sha).not.toBe(events[sentBackAt]?.data?.sha);

      // A check fails once; its worker gets the fix-up, fixes its branch, and is verified on a new commit.
      const failedAt = find(events, (event) => event.kind === 'checks_failed');
      expect(failedAt).toBeGreaterThan(-1);
      const checked = events[failedAt]?.worker ?? '';
      const checkFixupAt = find(events, of(checked, 'fixup'), failedAt);
      expect(checkFixupAt).toBeGreaterThan(failedAt);
      const passedAt = find(events, of(checked, 'checks_passed'), checkFixupAt);
      expect(passedAt).toBeGreaterThan(checkFixupAt);
      expect(events[passedAt]?.data?.sha).not.toBe(events[failedAt]?.data?.sha);
      expect(
        find(
          events,
          (event) => event.worker === checked && event.kind === 'state' && event.message.includes('-> verified'),
          passedAt,
        ),
      ).toBeGreaterThan(passedAt);

      // Two workers edit the same lines: the conflict is predicted on both, each naming the other.
      const conflicts = events.filter((event) => event.kind === 'alert' && event.message.startsWith('conflict:'));
      const pairs = new Set(
        conflicts.map((event) => `${event.worker ?? ''}<${/merging with (\S+)/.exec(event.message)?.[1] ?? ''}`),
      );
      const [first] = conflicts;
      const peer = /merging with (\S+)/.exec(first?.message ?? '')?.[1] ?? '';
      expect(pairs).toContain(`${first?.worker ?? ''}<${peer}`);
      expect(pairs).toContain(`${peer}<${first?.worker ?? ''}`);
      // One of them is turned away by the integration branch, told to merge it, does so, and goes in.
      const undoneAt = find(events, (event) => event.kind === 'integration_undone');
      const turnedAway = events[undoneAt]?.worker ?? '';
      expect([first?.worker, peer]).toContain(turnedAway);
      const mergeFixupAt = find(
        events,
        (event) => of(turnedAway, 'fixup')(event) && event.message.startsWith('gave fix-up'),
        undoneAt,
      );
      expect(mergeFixupAt).toBeGreaterThan(undoneAt);
      expect(find(events, of(turnedAway, 'integrated'), mergeFixupAt)).toBeGreaterThan(mergeFixupAt);
      expect(await gitIn(repo, ['log', '-1', '--format=%s', `czar/${turnedAway}`])).toBe(
        `Merge branch 'czar/integration' into czar/${turnedAway}`,
      );
      // The others' files it merged in are not taken for straying out of its scope.
      expect(find(events, of(turnedAway, 'realign'), mergeFixupAt)).toBe(-1);

      // The sprint ends once, with every worker verified and every branch in a green integration branch.
      expect(events.filter((event) => event.kind === 'sprint_over')).toHaveLength(1);
      // What status.json said when the sprint was over, as the demo printed it (the file itself is written again when
      // the demo takes its fleet down, and dead panes are no sprint state).
      for (const worker of WORKERS) expect(result.stdout).toMatch(new RegExp(`^  ${worker} +verified `, 'm'));
      expect(result.stdout).toContain(
        `  czar/integration holds ${['catalog', 'cart', 'checkout', 'docs'].join(', ')}\n`,
      );
      for (const worker of WORKERS)
        await gitIn(repo, ['merge-base', '--is-ancestor', `czar/${worker}`, 'czar/integration']);
      // A worker handed part of its task to a sub-worker: the child was verified, then merged by its parent.
      expect(result.stdout).toMatch(/^ {2}docs-examples +verified /m);
      const childVerified = find(events, of('docs-examples', 'state'), 0);
      expect(
        find(events, (event) => event.worker === 'docs-examples' && event.message.includes('-> verified')),
      ).toBeGreaterThan(childVerified);
      await gitIn(repo, ['merge-base', '--is-ancestor', 'czar/docs-examples', 'czar/docs']);
      expect(events.some(of('docs-examples', 'integrated'))).toBe(false);
      // Its files are its own: the parent's docs/api.md is not counted as the child's (no overlap, no conflict).
      const childAlerts = events.filter((event) => event.worker === 'docs-examples' && event.kind === 'alert');
      expect(childAlerts.filter((event) => /^(overlap|conflict)/.test(event.message))).toEqual([]);
      // Both sides of the conflict are kept in the integrated result, and no marker is left.
      const api = await gitIn(repo, ['show', 'czar/integration:docs/api.md']);
      expect(api).toContain('- catalog: search(query) finds products by name');
      expect(api).toContain('- catalog and cart: products, lines and totals');
      expect(api).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
      const integrated = events.filter((event) => event.kind === 'integrated');
      expect(integrated.every((event) => event.message.endsWith('checks green'))).toBe(true);
      expect(existsSync(path.join(state, 'checks'))).toBe(true);
    },
    300_000 * scale,
  );
});
