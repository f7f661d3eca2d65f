import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';

const KID = '# Kid\\n@sim write kid.txt kid\\n@sim commit kid: add kid\\n@sim done kid finished';

// A boxed worker's repository of its own has only its own branch: a message that tells it to merge another branch
// (its verified sub-worker's, the integration branch in a fix-up, a dependency's) must find that branch there.
describe.skipIf(!existsSync('/usr/bin/bwrap'))('a boxed worker told to merge a branch', () => {
  it("merges its verified sub-worker's branch, found in its own repository, and goes in with it", async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'parent',
          sandbox: 'required',
          task: `# Parent\n@sim spawn kid ${KID}\n@sim work 2 planning\n@sim write p.txt p\n@sim commit p: add p\n@sim done parent finished`,
        },
      ],
      policy: { spawn: { max_children: 1, max_depth: 1 } },
    });
    await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
    await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
    await fx.launchWave();
    await fx.supervise();

    await fx.waitForEvent('integrated', 'parent', { timeoutMs: 90_000 });
    expect(await gitIn(fx.repo, ['show', 'czar/integration:kid.txt'])).toBe('kid');
    expect(await gitIn(fx.repo, ['show', 'czar/integration:p.txt'])).toBe('p');
  });
});
