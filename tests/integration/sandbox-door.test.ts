import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

// A spawn request written straight into the door under the sibling's name: czar must not carry it out as "plain".
// Written whole and renamed into place, as `czar spawn` writes one: czar may read a file being written as no request.
const FORGE = [
  "const fs = require('fs');",
  "const id = Date.now() + '-0badc0de';",
  "const body = { id, kind: 'spawn', worker: 'plain', signature: '', child: 'evil', task: '# Evil', scope: [] };",
  "const file = process.env.CZAR_STATE_DIR + '/requests/' + id;",
  "fs.writeFileSync(file + '.tmp', JSON.stringify(body));",
  "fs.renameSync(file + '.tmp', file + '.json');",
].join(' ');

const KID = '# Kid\\n@sim write kid.txt kid\\n@sim commit kid: add kid\\n@sim done kid in';

describe.skipIf(!existsSync('/usr/bin/bwrap'))('worker commands through a box door', () => {
  it('peers, checkpoint and spawn work from inside a box, as the door’s worker, and the child is boxed too', async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'lead',
          task: [
            '# Lead',
            '- [ ] First step',
            '@sim work 3 planning',
            '@sim run czar peers > .git/peers.out 2>&1',
            '@sim write a.txt a',
            '@sim commit lead: a',
            '@sim checkpoint 1',
            `@sim run node -e "${FORGE}"`,
            `@sim spawn kid ${KID}`,
            '@sim work 600 waiting',
          ].join('\n'),
          sandbox: 'required',
        },
        { name: 'plain', task: '# Plain work\n@sim work 600 plain work' },
      ],
    });
    await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
    await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
    await fx.launchWave();
    await fx.supervise();

    // peers: the sibling, from the view czar keeps in the door.
    const peers = await waitFor(
      async () =>
        (await readFile(path.join(fx.root, '.czar', 'work', 'lead', '.git', 'peers.out'), 'utf8')) || undefined,
      { timeoutMs: 60_000, what: 'czar peers in the box' },
    ).catch(() => '');
    expect(peers).toContain('plain (');
    expect(peers).toContain('Plain work');

    // checkpoint: recorded with the commit of its own branch.
    const checked = await fx.waitForStatus((status) => workerIn(status, 'lead').checkpoints?.done === 1, {
      timeoutMs: 60_000,
      what: "lead's checkpoint",
    });
    expect(workerIn(checked, 'lead').checkpoints?.items[0]?.commit).toBe(
      await gitIn(fx.repo, ['rev-parse', 'czar/lead']),
    );

    // spawn: the child is lead's, boxed in a repository of its own, and does its work.
    const spawned = await fx.waitForStatus((status) => status.workers.some((worker) => worker.name === 'kid'), {
      timeoutMs: 60_000,
      what: 'the child',
    });
    expect(workerIn(spawned, 'kid').parent).toBe('lead');
    await waitFor(
      async () => (await gitIn(fx.repo, ['show', 'czar/kid:kid.txt']).catch(() => '')).includes('kid') || undefined,
      {
        timeoutMs: 60_000,
        what: "the child's commit",
      },
    );
    expect(existsSync(path.join(fx.root, '.czar', 'work', 'kid', '.git', 'HEAD'))).toBe(true);
    expect(existsSync(path.join(fx.root, '.czar', 'doors', 'kid'))).toBe(true);
    expect(await gitIn(fx.repo, ['worktree', 'list'])).not.toContain('kid');

    // The forged request under plain's name was refused as lead's, and no "evil" child exists.
    await fx.waitForEvent('bad_request', 'lead', {
      match: (event) => event.message.includes('"plain"'),
      timeoutMs: 30_000,
    });
    expect((await fx.status())?.workers.some((worker) => worker.name === 'evil')).toBe(false);
    expect(await gitIn(fx.repo, ['branch', '--list', 'czar/evil'])).toBe('');
  });
});
