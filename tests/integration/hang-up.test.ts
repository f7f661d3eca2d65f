import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

describe('onTerminalGone', () => {
  it('runs its cleanup on a hang-up that comes while a child process runs, then exits with 129 itself', async () => {
    const marker = path.join(await tempDir(), 'cleaned');
    const child = execa(process.execPath, [path.resolve('tests/fixtures/hang-up-child.js'), marker], {
      reject: false,
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await waitFor(() => output.includes('ready'), { what: 'the child ready' });
    child.kill('SIGHUP');
    const result = await child;
    // Killed by the signal itself (execa's exit handler re-raised it) means the cleanup never ran.
    expect(result.signal).toBeUndefined();
    expect(result.exitCode).toBe(129);
    expect(await readFile(marker, 'utf8')).toBe('cleaned up\n');
  });
});
