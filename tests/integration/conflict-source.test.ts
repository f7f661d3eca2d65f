import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictSource } from '../../src/supervisor/conflict-source.js';
import { ModelStore } from '../../src/supervisor/model-store.js';
import { commits, fleet, spec } from '../helpers/fleet.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';

/** Branches czar/a and czar/b from main, each changing the one line of shared.txt its own way. */
async function conflictingBranches(): Promise<string> {
  const { repo } = await tempRepo({ 'shared.txt': 'one\n' });
  for (const name of ['a', 'b']) {
    await gitIn(repo, ['checkout', '--quiet', '-b', `czar/${name}`, 'main']);
    await writeFile(path.join(repo, 'shared.txt'), `${name}\n`);
    await gitIn(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-am', `${name} edits`]);
  }
  return repo;
}

describe('conflict predictions', () => {
  it('are made beside the pass: poll returns before git answers, and the result asks for the pass that reads it', async () => {
    const repo = await conflictingBranches();
    const store = new ModelStore('czar.yaml', () => undefined);
    const model = fleet([spec('a'), spec('b')]);
    const launched = { launchedAt: 1, git: commits(1, 1, ['shared.txt']) };
    store.set({ ...model, workers: model.workers.map((worker) => ({ ...worker, ...launched })) });
    let asked = 0;
    const source = new ConflictSource(repo, 'main', () => asked++);

    store.noteGitLooked();
    await source.poll(store);
    // git has not answered yet: the pass goes on with what the model held.
    expect(store.model.conflicts ?? []).toEqual([]);
    expect(asked).toBe(0);

    await source.idle();
    expect(store.model.conflicts).toEqual([{ worker: 'a', peer: 'b', files: ['shared.txt'] }]);
    expect(asked).toBe(1);
  });
});
