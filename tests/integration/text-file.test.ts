import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readTextFile } from '../../src/adapters/text-file.js';
import { tempDir } from '../helpers/git-repo.js';

describe('readTextFile: one check for every file a person or worker hands czar as text', () => {
  it('reads UTF-8 text up to the limit', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'task.md'), 'Build it: 日本語 🧑‍💻\n');
    expect(await readTextFile(path.join(dir, 'task.md'), 1024)).toEqual({ ok: true, text: 'Build it: 日本語 🧑‍💻\n' });
  });

  it('refuses, with the reason, what is not a small UTF-8 text file', async () => {
    const dir = await tempDir();
    const at = (name: string) => path.join(dir, name);
    await writeFile(at('nul.md'), Buffer.from([0x61, 0x00, 0x62]));
    await writeFile(at('latin1.md'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    await writeFile(at('big.md'), 'x'.repeat(2049));
    await mkdir(at('folder'));
    await execa('mkfifo', [at('fifo')]);
    await symlink(at('nowhere'), at('dangling'));
    const reasons = await Promise.all(
      ['nul.md', 'latin1.md', 'big.md', 'folder', 'fifo', 'missing.md', 'dangling'].map(async (name) => {
        const reading = await readTextFile(at(name), 2048);
        return reading.ok ? 'read' : `${reading.problem}: ${reading.reason}`;
      }),
    );
    expect(reasons).toEqual([
      'not_text: is not UTF-8 text (NUL bytes or invalid UTF-8)',
      'not_text: is not UTF-8 text (NUL bytes or invalid UTF-8)',
      'too_big: is larger than 2 KB',
      'folder: is a folder, not a file',
      'not_file: is not a regular file',
      'missing: does not exist',
      'missing: does not exist',
    ]);
  });
});
