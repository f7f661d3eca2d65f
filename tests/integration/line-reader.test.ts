import { appendFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IncrementalLineReader } from '../../src/adapters/line-reader.js';
import { tempDir } from '../helpers/git-repo.js';

async function lines(
  reader: IncrementalLineReader,
): Promise<{ lines: string[]; restarted: boolean; missing: boolean }> {
  const found: string[] = [];
  const result = await reader.read((line) => found.push(line));
  return { lines: found, restarted: result.restarted, missing: result.missing };
}

describe.each(['pool', 'blocking'] as const)('the incremental line reader (%s calls)', (calls) => {
  it('hands out each complete line once, waits for an unfinished one, and starts over on a replaced file', async () => {
    const file = path.join(await tempDir('czar-lines-'), 'stream.jsonl');
    const reader = new IncrementalLineReader(file, 1024, undefined, calls);
    expect(await lines(reader)).toEqual({ lines: [], restarted: false, missing: true });
    await writeFile(file, 'one\ntw');
    expect((await lines(reader)).lines).toEqual(['one']);
    await appendFile(file, 'o\nthree\n');
    expect((await lines(reader)).lines).toEqual(['two', 'three']);
    expect((await lines(reader)).lines).toEqual([]);
    const other = `${file}.new`;
    await writeFile(other, 'fresh\n');
    await rename(other, file);
    expect(await lines(reader)).toEqual({ lines: ['fresh'], restarted: true, missing: false });
  });
});

describe('the blocking line reader', () => {
  it('reads without waiting for the loop to come round (a report read in a busy czar)', async () => {
    const file = path.join(await tempDir('czar-lines-'), 'stream.jsonl');
    await writeFile(file, 'done\n');
    const reader = new IncrementalLineReader(file, 1024, undefined, 'blocking');
    let turned = false;
    setImmediate(() => (turned = true));
    expect((await lines(reader)).lines).toEqual(['done']);
    expect(turned).toBe(false);
  });
});
