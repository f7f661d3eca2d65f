import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { gitIn, tempDir } from '../helpers/git-repo.js';

/**
 * A folder to put first on PATH whose `git fetch` runs the real one, then holds on for a moment before it exits,
 * noting that it did in `held`: what a worker commits and reports in that moment comes after the fetch read its
 * repository.
 */
async function slowFetchGitBin(held: string): Promise<string> {
  const bin = path.join(await tempDir('czar-slow-fetch-'), 'bin');
  await mkdir(bin);
  const real = (await execa('which', ['git'])).stdout.trim();
  await writeFile(
    path.join(bin, 'git'),
    `#!/bin/sh\ncase " $* " in\n  *" fetch "*) '${real}' "$@"; code=$?; sleep 1.5; echo held >> '${held}'; exit $code ;;\nesac\nexec '${real}' "$@"\n`,
  );
  await chmod(path.join(bin, 'git'), 0o755);
  return bin;
}

describe.skipIf(!existsSync('/usr/bin/bwrap'))('a boxed worker that commits and reports done during a fetch', () => {
  it('has its done report passed on with its commit, never ahead of it', async () => {
    const held = path.join(await tempDir('czar-held-'), 'held.log');
    const bin = await slowFetchGitBin(held);
    const pathBefore = process.env.PATH;
    // The czar runs in this process and reads its environment once, at its first command: this file runs in a fork of
    // its own (the e2e tier), where that comes after this line.
    process.env.PATH = `${bin}:${pathBefore ?? ''}`;
    onTestFinished(() => {
      process.env.PATH = pathBefore;
    });
    const fx = await fleetFixture({
      workers: [
        {
          name: 'boxed',
          // Its "task received" report starts a fetch; the commit and the done report come while that fetch holds on.
          task: '# Boxed\n@sim write src/boxed.ts export const boxed = 1;\\n\n@sim commit boxed: add boxed\n@sim done boxed in',
          sandbox: 'required',
        },
      ],
      policy: { idle_after: '1h', stuck_after: '2h', escalate_after: '1h', bonus: 'off' },
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForEvent('integrated', 'boxed', { timeoutMs: 60_000 });
    expect(await gitIn(fx.repo, ['show', 'czar/integration:src/boxed.ts'])).toContain('boxed = 1');
    expect(await readFile(held, 'utf8')).toContain('held');
    const alerts = (await fx.events()).filter((event) => event.kind === 'alert' && event.worker === 'boxed');
    expect(alerts.map((event) => event.message)).toEqual([]);
  });
});
