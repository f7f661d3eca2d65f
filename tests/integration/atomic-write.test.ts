import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeAtomic } from '../../src/adapters/state-files.js';
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
