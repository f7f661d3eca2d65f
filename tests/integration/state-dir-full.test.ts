import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { appendEvent, readEventsFrom } from '../../src/adapters/state-files.js';
import { statePaths } from '../../src/domain/model/paths.js';
import { afterThisTest } from '../helpers/cleanup.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { tempDir } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

// A full disk, for real: a small tmpfs mounted over the state dir (root only), filled until the kernel says ENOSPC.
const root = process.getuid?.() === 0;

/** Mounts a tmpfs of `size` on `dir` (made here), unmounted when the test ends even while files are open in it. */
async function smallDisk(dir: string, size: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await execa('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'czar-full', dir]);
  afterThisTest(async () => {
    await execa('umount', ['--lazy', dir]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  });
}

/** Writes `file` until the disk holding it has no byte left. */
async function fill(file: string): Promise<void> {
  const error = await writeFile(file, Buffer.alloc(64 * 1024 * 1024)).catch((caught: NodeJS.ErrnoException) => caught);
  expect(error?.code).toBe('ENOSPC');
}

describe.skipIf(!root)('a state dir with no space left (a small tmpfs: needs root)', () => {
  it('an event line after a write that failed half-way starts a line of its own', async () => {
    const dir = path.join(await tempDir(), '.czar');
    await smallDisk(dir, '64k');
    const paths = statePaths(dir);
    await appendEvent(paths, { at: new Date().toISOString(), kind: 'first', message: 'before the disk filled' });
    await fill(path.join(dir, 'filler'));
    // The log's last page has room for part of a long line: the kernel takes what fits and fails the rest.
    const torn = appendEvent(paths, { at: new Date().toISOString(), kind: 'lost', message: 'x'.repeat(20_000) });
    await expect(torn).rejects.toThrow(/ENOSPC/);
    expect((await readFile(paths.events, 'utf8')).endsWith('\n')).toBe(false);

    await rm(path.join(dir, 'filler'));
    await appendEvent(paths, { at: new Date().toISOString(), kind: 'after', message: 'room again' });
    expect(readEventsFrom(paths, 0).events.map((event) => event.kind)).toEqual(['first', 'after']);
  });

  it('the czar says "state dir full" to notify: and in its log once there is room again', async () => {
    let notifyFile = '';
    const fx = await fleetFixture({
      workers: [{ name: 'api', task: '# Api\n@sim hang' }],
      policy: { bonus: 'off' },
      notify: (folder) => {
        notifyFile = path.join(folder, 'notified.jsonl');
        return { command: path.join(folder, 'notify.sh') };
      },
    });
    const script = path.join(path.dirname(notifyFile), 'notify.sh');
    await writeFile(script, `#!/bin/sh\ncat >> '${notifyFile}'\n`);
    await chmod(script, 0o755);
    await smallDisk(fx.fleet.paths.root, '8m');
    await fx.launchWave();
    const czar = await fx.supervise();
    await fx.waitForStatus((status) => status.workers[0]?.state !== 'queued', { what: 'a status after the launch' });

    const filler = path.join(fx.fleet.paths.root, 'filler');
    await fill(filler);
    // The czar's next status write fails: its heartbeat's at the latest (every 15 s).
    const said = await waitFor(
      async () => {
        const text = await readFile(notifyFile, 'utf8').catch(() => '');
        return text.split('\n').find((line) => line.includes('state_dir_full'));
      },
      { timeoutMs: 30_000, what: 'the notify command told of the full state dir' },
    );
    const payload = JSON.parse(said) as Record<string, unknown>;
    expect(payload).toMatchObject({ project: fx.fleet.config.project, episode: 'state_dir_full' });
    expect(payload.worker).toBeUndefined();
    expect(payload.summary).toBe('state dir full');
    expect(payload.reason).toContain(`writing ${fx.fleet.paths.status} (ENOSPC) failed`);

    await rm(filler);
    const back = await waitFor(
      () => readEventsFrom(fx.fleet.paths, 0).events.find((event) => event.kind === 'state_dir_writable'),
      { timeoutMs: 20_000, what: 'the czar wrote again once there was room' },
    );
    expect(back.message).toMatch(/^state dir writable again: /);
    // Before the disk goes (cleanups run latest first): the czar's last status goes there.
    await czar.stop();
  });
});
