import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { branchTips } from '../../src/adapters/git.js';
import { ConflictSource } from '../../src/supervisor/sources/conflicts.js';
import { ModelStore } from '../../src/supervisor/sources/model-store.js';
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

/** What a git look of the czar does: each branch's tip and base's into the model, then the news that it looked. */
async function looked(repo: string, store: ModelStore): Promise<void> {
  const tips = await branchTips(repo);
  const model = store.model;
  store.set({
    ...model,
    baseTip: tips.get('main'),
    workers: model.workers.map((worker) => {
      const { lastCommit } = worker.git;
      const sha = tips.get(worker.spec.branch);
      return lastCommit === undefined || sha === undefined
        ? worker
        : { ...worker, git: { ...worker.git, lastCommit: { ...lastCommit, sha } } };
    }),
  });
  store.noteGitLooked();
}

const COUNT = 4;
/** Every pair of the four branches conflicts. */
const ALL = (COUNT * (COUNT - 1)) / 2;

/** Four branches on one file, a store of their workers, and the source; `shown` is how many conflicts the model held at each pass the source asked for. */
async function fourOnOneFile(): Promise<{ repo: string; store: ModelStore; source: ConflictSource; shown: number[] }> {
  const repo = await branchesOnOneFile(COUNT);
  const store = storeOf(COUNT);
  const shown: number[] = [];
  const source = new ConflictSource(repo, () => shown.push(store.model.conflicts?.length ?? 0));
  return { repo, store, source, shown };
}

describe('conflict predictions', () => {
  it('a pass never waits on git: the prediction runs beside it and shows its first conflict before the rest of the prediction', async () => {
    const { repo, store, source, shown } = await fourOnOneFile();
    await looked(repo, store);
    await source.poll(store);
    // The pass went on before git answered.
    expect(store.model.conflicts ?? []).toEqual([]);
    expect(shown).toEqual([]);
    // A branch looked at meanwhile gets a prediction of its own after the running one.
    await looked(repo, store);
    await source.poll(store);

    await waitFor(() => shown.at(-1) === ALL && store.model.conflictsPartial === false, {
      timeoutMs: 120_000,
      what: 'the whole prediction shown',
    });
    // The first conflict was shown as soon as it was found, not with the last.
    expect(shown[0]).toBe(1);
    expect(store.model.conflicts?.[0]).toEqual({ worker: 'w0', peer: 'w1', files: ['shared.txt'] });
  }, 180_000);

  it('a branch that moves keeps its conflicts shown while they are predicted again, and a resolved pair clears', async () => {
    const { repo, store, source, shown } = await fourOnOneFile();
    await looked(repo, store);
    await source.poll(store);
    await waitFor(() => shown.at(-1) === ALL, { timeoutMs: 120_000, what: 'the first prediction' });

    // w0 moves and still conflicts with everyone: no alert goes away and comes back meanwhile.
    shown.length = 0;
    await gitIn(repo, ['checkout', '--quiet', 'w0']);
    await writeFile(path.join(repo, 'shared.txt'), 'w0 again\n');
    await gitIn(repo, ['commit', '--quiet', '-am', 'w0 writes shared.txt again']);
    // w1 now writes what w2 wrote, on top of it: the pair merges cleanly.
    await gitIn(repo, ['checkout', '--quiet', 'w1']);
    await gitIn(repo, ['merge', '--quiet', '-X', 'theirs', '-m', 'w1 takes w2', 'w2']);
    await gitIn(repo, ['checkout', '--quiet', 'main']);
    await looked(repo, store);
    await source.poll(store);
    await waitFor(() => shown.at(-1) === ALL - 1, { timeoutMs: 120_000, what: 'the second prediction' });
    expect(shown.every((shown) => shown >= ALL - 1)).toBe(true);
    expect(store.model.conflicts?.some((c) => c.worker === 'w1' && c.peer === 'w2')).toBe(false);
  }, 180_000);
});
