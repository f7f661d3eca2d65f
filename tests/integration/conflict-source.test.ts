import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictSource } from '../../src/supervisor/conflict-source.js';
import { ModelStore } from '../../src/supervisor/model-store.js';
import { commits, fleet, spec, T0 } from '../helpers/fleet.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

// The conflict source against real git: branches that all change one file, as a fleet given one shared file makes.

/** `count` branches off main, each with one commit writing its own line into shared.txt. */
async function branchesOnOneFile(count: number): Promise<string> {
  const { repo } = await tempRepo({ 'shared.txt': 'base\n' });
  for (let i = 0; i < count; i++) {
    await gitIn(repo, ['checkout', '--quiet', '-b', `w${i}`, 'main']);
    await writeFile(path.join(repo, 'shared.txt'), `line of w${i}\n`);
    await gitIn(repo, ['commit', '--quiet', '-am', `w${i} writes shared.txt`]);
  }
  await gitIn(repo, ['checkout', '--quiet', 'main']);
  return repo;
}

/** A store holding `count` launched workers on those branches, each one commit ahead with shared.txt changed. */
function storeOf(count: number): ModelStore {
  const store = new ModelStore('czar.yaml');
  const model = fleet(Array.from({ length: count }, (_, i) => spec(`w${i}`, { branch: `w${i}` })));
  store.set({
    ...model,
    workers: model.workers.map((worker) => ({ ...worker, launchedAt: T0, git: commits(1, T0, ['shared.txt']) })),
  });
  return store;
}

describe('conflict predictions', () => {
  it('a prediction that outlasts its pass goes on beside it, and asks for a pass with every conflict found', async () => {
    const count = 4;
    const repo = await branchesOnOneFile(count);
    const store = storeOf(count);
    let passesAsked = 0;
    // No time in the pass at all, so that every prediction outlasts it (six merges, where a fleet may have hundreds).
    const source = new ConflictSource(repo, 'main', () => (passesAsked += 1), 0);

    store.noteGitLooked();
    await source.poll(store);
    // The pass went on before git answered.
    expect(store.model.conflicts ?? []).toEqual([]);
    expect(passesAsked).toBe(0);
    // A branch looked at meanwhile waits for the pass the running prediction asks for.
    store.noteGitLooked();
    await source.poll(store);

    await waitFor(() => passesAsked === 1, { timeoutMs: 120_000, what: 'the pass the prediction asks for' });
    expect(store.model.conflicts).toHaveLength((count * (count - 1)) / 2);
    expect(store.model.conflicts?.[0]).toEqual({ worker: 'w0', peer: 'w1', files: ['shared.txt'] });
    // That pass predicts again for the look it held back: the tips did not move, so the same conflicts stand. One
    // for-each-ref can end inside even a pass of no time (a loaded machine that holds the czar after git started
    // hands it git's exit before its timer); then it asks for no pass. Either way the look was not lost.
    const held = store.model;
    await source.poll(store);
    if (store.model === held) {
      await waitFor(() => passesAsked === 2, { timeoutMs: 60_000, what: 'the pass the second prediction asks for' });
    } else {
      expect(passesAsked).toBe(1);
    }
    expect(store.model).not.toBe(held);
    expect(store.model.conflicts).toHaveLength((count * (count - 1)) / 2);
  }, 180_000);
});
