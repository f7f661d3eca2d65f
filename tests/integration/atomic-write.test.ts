import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { removeOrphanedTemps, writeAtomic } from '../../src/adapters/state-files.js';
import { tempDir } from '../helpers/git-repo.js';

describe('writeAtomic', () => {
  test('a write that fails leaves no temp file behind', async () => {
    const dir = await tempDir();
    // A folder with something in it where the file should go: the rename fails, as a write on a full disk does.
    const target = path.join(dir, 'status.json');
    await mkdir(target);
    await writeFile(path.join(target, 'keep'), 'x');
    await expect(writeAtomic(target, '{}')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['status.json']);
  });
});

describe('removeOrphanedTemps', () => {
  test('removes the temp files of writers that are gone, and keeps a running writer’s and every other file', async () => {
    const dir = await tempDir();
    const gone = `.czar-state.json.${2 ** 22 + 1}.8bace3b3.tmp`;
    const running = `.status.json.${process.pid}.0123abcd.tmp`;
    for (const name of [gone, running, 'status.json', 'notes.tmp']) await writeFile(path.join(dir, name), '{}');
    await removeOrphanedTemps(dir);
    expect((await readdir(dir)).sort()).toEqual([running, 'notes.tmp', 'status.json'].sort());
  });
});
