import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetStatus } from '../../src/domain/status/status-schema.js';
import { gitIn } from '../helpers/git-repo.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { waitFor } from '../helpers/wait.js';

const BUSY = '# Keep busy\n@sim work 120 on the feature';

function conflictWith(status: FleetStatus, worker: string, peer: string): readonly string[] | undefined {
  return workerIn(status, worker).alerts.find((alert) => alert.kind === 'conflict' && alert.peer === peer)?.files;
}

describe('czar supervision: conflicts predicted while the workers work', () => {
  it('flags two workers editing the same lines on both sides after the second commit, tells each once, and clears when resolved; base moving is predicted too', async () => {
    const fx = await fleetFixture({
      workers: [
        { name: 'left', task: BUSY },
        { name: 'right', task: BUSY },
      ],
      files: { 'shared.txt': 'one\ntwo\nthree\n', 'base.txt': 'base\n' },
      policy: { idle_after: '5m', stuck_after: '10m', escalate_after: '5m' },
    });
    await fx.launchWave();
    await fx.supervise();
    const [left, right] = fx.fleet.config.workers.map((worker) => worker.worktree);
    if (left === undefined || right === undefined) throw new Error('two worktrees expected');
    await fx.waitForStatus((s) => s.workers.every((worker) => worker.state === 'working'), { what: 'both working' });
    const commit = async (worktree: string, file: string, text: string, message: string): Promise<void> => {
      await writeFile(path.join(worktree, file), text);
      await gitIn(worktree, ['commit', '-q', '-am', message]);
    };

    await commit(left, 'shared.txt', 'one\nTWO from left\nthree\n', 'left edits line two');
    await commit(left, 'base.txt', 'base changed by left\n', 'left edits base.txt');
    await commit(right, 'shared.txt', 'one\nTWO from right\nthree\n', 'right edits line two');
    // Both sides flagged once the second commit lands: how soon is measured by `npm run bench -- verify` (conflict
    // p95), not timed here, where a loaded CI machine took over 2 s.
    const flagged = await waitFor(
      async () => {
        const status = await fx.status();
        return status !== undefined &&
          conflictWith(status, 'left', 'right') !== undefined &&
          conflictWith(status, 'right', 'left') !== undefined
          ? status
          : undefined;
      },
      { intervalMs: 20, what: 'conflict alerts on both workers' },
    );
    expect(conflictWith(flagged, 'left', 'right')).toEqual(['shared.txt']);
    expect(conflictWith(flagged, 'right', 'left')).toEqual(['shared.txt']);
    expect(workerIn(flagged, 'left').state).toBe('working');
    expect(workerIn(flagged, 'right').state).toBe('working');
    // The file-overlap early warning stays.
    expect(workerIn(flagged, 'left').alerts.some((alert) => alert.kind === 'overlap')).toBe(true);

    // Each is told once, with who owns the other side.
    await fx.waitForEvent('message_delivered', 'left');
    await fx.waitForEvent('message_delivered', 'right');
    const told = await waitFor(
      async () => {
        const texts = [...(await fx.captures('left')), ...(await fx.captures('right'))].filter((text) =>
          text.includes('git predicts'),
        );
        return texts.length === 2 ? texts : undefined;
      },
      { what: 'both warnings captured' },
    );
    expect(told.find((text) => text.startsWith('Worker left'))).toMatch(
      /right's branch `czar\/right` \(worker right owns that side\)[\s\S]*`shared\.txt`/,
    );
    expect(told.find((text) => text.startsWith('Worker right'))).toMatch(
      /left's branch `czar\/left` \(worker left owns that side\)/,
    );

    // Base moves under left: predicted the same way, against main.
    await commit(fx.repo, 'base.txt', 'base changed upstream\n', 'upstream edits base.txt');
    const againstBase = await fx.waitForStatus((s) => conflictWith(s, 'left', 'main') !== undefined, {
      what: 'left conflicts with main',
    });
    expect(conflictWith(againstBase, 'left', 'main')).toEqual(['base.txt']);
    expect(conflictWith(againstBase, 'right', 'main')).toBeUndefined();

    // right takes left's line: the prediction clears, and so do both alerts.
    await commit(right, 'shared.txt', 'one\nTWO from left\nthree\n', 'right adopts left line two');
    const cleared = await fx.waitForStatus(
      (s) => conflictWith(s, 'left', 'right') === undefined && conflictWith(s, 'right', 'left') === undefined,
      { what: 'conflict alerts cleared' },
    );
    expect(conflictWith(cleared, 'left', 'main')).toEqual(['base.txt']);
    const warnings = (await fx.events()).filter((event) => event.kind === 'warn_conflict');
    expect(warnings.map((event) => event.worker).sort()).toEqual(['left', 'left', 'right']);
  });
});
