import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { paneOutput } from '../../src/adapters/pane-log.js';
import { tempDir } from '../helpers/git-repo.js';

describe('waiting for a pane to draw', () => {
  test('ends at the log’s next write, long before its deadline', async () => {
    const log = path.join(await tempDir(), 'w1.log');
    await writeFile(log, 'ready\n');
    const startedAt = Date.now();
    const drawn = paneOutput(log, 0)(30_000);
    setTimeout(() => void appendFile(log, 'pasted text\n'), 50);
    await drawn;
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  test('waits its floor even when output comes at once, so a streaming pane is not looked at on every write', async () => {
    const log = path.join(await tempDir(), 'w1.log');
    await writeFile(log, '');
    const startedAt = Date.now();
    const drawn = paneOutput(log, 400)(30_000);
    await appendFile(log, 'spinner frame\n');
    await drawn;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(390);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  test('ends at once for output drawn since the last wait, before this wait began (while the screen was read)', async () => {
    const log = path.join(await tempDir(), 'w1.log');
    await writeFile(log, 'ready\n');
    const next = paneOutput(log, 0);
    const first = next(30_000);
    await appendFile(log, 'pasted text\n');
    await first;
    await appendFile(log, 'the turn started\n');
    const startedAt = Date.now();
    await next(20_000);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  test('a wait with a floor of its own (the first look after a paste or a key) ends at the draw, not at the floor', async () => {
    const log = path.join(await tempDir(), 'w1.log');
    await writeFile(log, 'ready\n');
    const startedAt = Date.now();
    const drawn = paneOutput(log, 20_000)(30_000, 0);
    setTimeout(() => void appendFile(log, 'pasted text\n'), 50);
    await drawn;
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  test('ends at its deadline when the pane has no log', async () => {
    const startedAt = Date.now();
    await paneOutput(path.join(await tempDir(), 'missing.log'), 0)(200);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
  });
});
