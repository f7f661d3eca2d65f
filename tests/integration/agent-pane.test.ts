import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { startAgentPane } from '../../src/launch/agent-pane.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';

describe('startAgentPane: the one place an agent starts', () => {
  test('refuses a missing folder, a plain folder of the main checkout and a worktree on another branch, and starts nothing', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'w', task: 'Work.\n@sim quiet' }] });
    const [spec] = fx.fleet.config.workers;
    if (spec === undefined) throw new Error('fixture has no worker');
    await fx.launchWave();
    const paneId = await fx.fleet.tmux.paneIdOf('w');
    expect(paneId).toBeDefined();

    const plainFolder = path.join(fx.repo, 'sub');
    await mkdir(plainFolder);
    await expect(startAgentPane(fx.fleet, { ...spec, name: 'x', worktree: plainFolder })).rejects.toThrow(
      /is not a worktree of .* so worker "x" was not started/,
    );
    await expect(
      startAgentPane(fx.fleet, { ...spec, name: 'x', worktree: path.join(fx.root, 'nowhere') }),
    ).rejects.toThrow(/nowhere is missing or not a git worktree/);

    await gitIn(spec.worktree, ['switch', '--quiet', '-c', 'elsewhere']);
    await expect(startAgentPane(fx.fleet, spec, { paneId: paneId ?? '' })).rejects.toThrow(
      /is on branch "elsewhere", not "czar\/w"/,
    );
    await gitIn(spec.worktree, ['switch', '--quiet', 'czar/w']);

    await rm(spec.worktree, { recursive: true, force: true });
    await expect(startAgentPane(fx.fleet, spec, { paneId: paneId ?? '' })).rejects.toThrow(
      /is missing or not a git worktree/,
    );
    expect((await fx.fleet.tmux.listSessions()).sort()).toEqual(['w']);
  });
});
