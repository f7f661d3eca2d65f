import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { watchPaths } from '../../src/adapters/watcher.js';
import { tempDir } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

/** A watch of `dirs` at `depth` that records every path it reports, ready when this resolves. */
async function recording(dirs: readonly string[], depth: number): Promise<string[]> {
  const seen: string[] = [];
  await new Promise<void>((ready) => {
    const watch = watchPaths(dirs, (changed) => seen.push(changed), { depth, onReady: ready });
    onTestFinished(() => watch.close());
  });
  return seen;
}

describe('file watches', () => {
  it('hear a flat folder by name: a file renamed in, appended to and removed, never the temp file of the rename', async () => {
    const dir = await tempDir('czar-watch-');
    const seen = await recording([dir], 0);
    const report = path.join(dir, 'w1.json');
    const temp = path.join(dir, '.w1.json.123.tmp');
    await writeFile(temp, '{"seq":1}');
    await rename(temp, report);
    await waitFor(() => seen.includes(report), { what: 'the renamed report' });
    const log = path.join(dir, 'w1.log');
    await appendFile(log, 'output\n');
    await waitFor(() => seen.includes(log), { what: 'the appended log' });
    seen.length = 0;
    await rm(report);
    await waitFor(() => seen.includes(report), { what: 'the removed report' });
    expect(seen.filter((changed) => changed.endsWith('.tmp'))).toEqual([]);
  });

  it('are ready, and quiet, for a folder that does not exist yet, and still hear nested folders', async () => {
    const dir = await tempDir('czar-watch-');
    expect(await recording([path.join(dir, 'missing')], 0)).toEqual([]);
    await mkdir(path.join(dir, 'refs', 'heads'), { recursive: true });
    const seen = await recording([dir], 2);
    const branch = path.join(dir, 'refs', 'heads', 'w1');
    await writeFile(branch, 'abc\n');
    await waitFor(() => seen.includes(branch), { what: 'a file two folders down' });
  });
});
