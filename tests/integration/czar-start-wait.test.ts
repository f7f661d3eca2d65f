import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { statePaths } from '../../src/domain/model/paths.js';
import { waitForCzar } from '../../src/fleet/requests.js';
import { tempDir } from '../helpers/git-repo.js';

async function stateDir(): Promise<ReturnType<typeof statePaths>> {
  return statePaths(await tempDir('czar-start-'));
}

describe('czar up waiting for its czar', () => {
  it('waits out a slow first look of a czar that runs, past the time a czar has to start', async () => {
    const paths = await stateDir();
    // This process stands in for a czar that took its lock and is still in its first pass.
    await writeFile(paths.supervisorLock, JSON.stringify({ pid: process.pid }));
    const firstLookDone = new Promise<void>((resolve) =>
      setTimeout(() => {
        void writeFile(paths.status, JSON.stringify({ supervisor: { pid: process.pid } })).then(resolve);
      }, 600),
    );
    const pid = await waitForCzar(paths, async () => false, { startMs: 100, firstLookMs: 10_000 });
    await firstLookDone;
    expect(pid).toBe(process.pid);
  });

  it('says a czar that never took its lock did not start, and one stuck in its first look that it runs', async () => {
    const paths = await stateDir();
    await expect(waitForCzar(paths, async () => false, { startMs: 100, firstLookMs: 10_000 })).rejects.toThrow(
      'The czar did not start within 0 s; read why with "czar attach czar", then run "czar up" again.',
    );
    await writeFile(paths.supervisorLock, JSON.stringify({ pid: process.pid }));
    await expect(waitForCzar(paths, async () => false, { startMs: 100, firstLookMs: 300 })).rejects.toThrow(
      `The czar (pid ${process.pid}) runs but did not finish its first look at the fleet within 0 s`,
    );
  });
});
