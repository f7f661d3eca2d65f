import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { acquireLock, type LockHolder } from '../../src/adapters/lock-file.js';
import { tempDir } from '../helpers/git-repo.js';

describe('acquireLock', () => {
  test('takes over a lock left by a process that is gone, and names a live holder when it gives up waiting', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'up.lock');
    const gone = await execa(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await writeFile(file, JSON.stringify({ pid: Number(gone.stdout), since: '2026-01-01T00:00:00.000Z' }));
    const release = await acquireLock(file, { timeoutMs: 1000, what: 'Another "czar up"', onWait: () => undefined });
    expect(existsSync(file)).toBe(true);

    const waited: LockHolder[] = [];
    await expect(acquireLock(file, { timeoutMs: 300, what: 'Another "czar up"', onWait: (holder) => waited.push(holder) })).rejects.toThrow(
      new RegExp(`^Another "czar up" \\(pid ${process.pid}, since [0-9T:.-]+Z\\) still holds ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}; wait for it`),
    );
    expect(waited.map((holder) => holder.pid)).toEqual([process.pid]);
    await release();
    expect(existsSync(file)).toBe(false);
  });
});
