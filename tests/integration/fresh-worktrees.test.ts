import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handOverFreshWorktrees } from '../../src/fleet/fresh-worktrees.js';
import { fleetFixture, workerIn, type FleetFixture } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';

const WAITING = '# Wait\n@sim work 60 waiting';

function worktreeOf(fx: FleetFixture, name: string): string {
  const worker = fx.fleet.config.workers.find((candidate) => candidate.name === name);
  if (worker === undefined) throw new Error(`no worker ${name}`);
  return worker.worktree;
}

/** A launched fleet where `kept` has a file it never staged and `staged` one it staged, both after the launch. */
async function launchedWithEdits(): Promise<{ fx: FleetFixture; fresh: ReadonlyMap<string, string> }> {
  const fx = await fleetFixture({
    workers: [
      { name: 'kept', task: WAITING },
      { name: 'staged', task: WAITING },
    ],
  });
  const { fresh } = await fx.launchWave();
  await writeFile(path.join(worktreeOf(fx, 'kept'), 'unstaged.txt'), 'edited, not staged\n');
  await writeFile(path.join(worktreeOf(fx, 'staged'), 'staged.txt'), 'staged\n');
  await gitIn(worktreeOf(fx, 'staged'), ['add', 'staged.txt']);
  return { fx, fresh };
}

describe('the worktrees a launch made, handed to the czar it starts', () => {
  it('are taken as clean at the first look while their index is as git left it; a staged change is looked at', async () => {
    const { fx, fresh } = await launchedWithEdits();
    expect([...fresh.keys()].sort()).toEqual(['kept', 'staged']);
    await fx.supervise(await handOverFreshWorktrees(fx.fleet.paths, fresh));
    const first = await fx.waitForStatus((status) => workerIn(status, 'staged').git.dirty.includes('staged.txt'), {
      what: "the staged file in the first look's git facts",
    });
    // No `git status` ran for `kept`: its unstaged file waits for the worktree's next git event, as after any look.
    expect(workerIn(first, 'kept').git.dirty).toEqual([]);
    expect(existsSync(fx.fleet.paths.freshWorktrees)).toBe(false);
    await gitIn(worktreeOf(fx, 'kept'), ['add', 'unstaged.txt']);
    await fx.waitForStatus((status) => workerIn(status, 'kept').git.dirty.includes('unstaged.txt'), {
      what: 'the file kept staged, seen at its index event',
    });
  });

  it('are looked at with git by a czar that another launch started, or none', async () => {
    const { fx, fresh } = await launchedWithEdits();
    await handOverFreshWorktrees(fx.fleet.paths, fresh);
    await fx.supervise('another launch');
    await fx.waitForStatus(
      (status) =>
        workerIn(status, 'kept').git.dirty.includes('unstaged.txt') &&
        workerIn(status, 'staged').git.dirty.includes('staged.txt'),
      { what: 'both edits in the first look' },
    );
  });

  it('are none when the repository runs a post-checkout hook, which may have changed their files', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'hooked', task: WAITING }] });
    const hook = path.join(fx.repo, '.git', 'hooks', 'post-checkout');
    await writeFile(hook, '#!/bin/sh\necho generated > generated.txt\n');
    await chmod(hook, 0o755);
    const { fresh } = await fx.launchWave();
    expect(fresh.size).toBe(0);
    await fx.supervise(await handOverFreshWorktrees(fx.fleet.paths, fresh));
    await fx.waitForStatus((status) => workerIn(status, 'hooked').git.dirty.includes('generated.txt'), {
      what: "the hook's file in the first look",
    });
  });
});
