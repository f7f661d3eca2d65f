import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentReader } from '../../src/adapters/document-reader.js';
import { tempDir } from '../helpers/git-repo.js';

// A record an agent rewrites whole each turn (Auggie's session JSON), read as the lines a preset makes of it.
const toLines = (text: string): string[] | undefined => {
  try {
    return (JSON.parse(text) as { items: string[] }).items;
  } catch {
    return undefined;
  }
};

async function readAll(reader: DocumentReader): Promise<{ lines: string[]; restarted: boolean; fresh: boolean }> {
  const lines: string[] = [];
  let fresh = false;
  const result = await reader.read(
    (line) => lines.push(line),
    () => {
      fresh = true;
    },
  );
  return { lines, restarted: result.restarted, fresh };
}

describe('DocumentReader', () => {
  it('reads each version of a document whole once, a later version from the start, and a half-written one not at all', async () => {
    const file = path.join(await tempDir('czar-document-'), 'session.json');
    const reader = new DocumentReader(file, toLines);
    expect((await reader.read(() => undefined)).missing).toBe(true);

    await writeFile(file, JSON.stringify({ items: ['a', 'b'] }));
    expect(await readAll(reader)).toEqual({ lines: ['a', 'b'], restarted: false, fresh: false });
    // Unchanged: nothing again.
    expect(await readAll(reader)).toEqual({ lines: [], restarted: false, fresh: false });

    // Rewritten in place: the caller forgets what it counted and gets the whole new version.
    await writeFile(file, JSON.stringify({ items: ['a', 'b', 'c'] }));
    expect(await readAll(reader)).toEqual({ lines: ['a', 'b', 'c'], restarted: true, fresh: true });

    // Caught while being written: nothing now, and what was counted stands; the whole version is read later.
    await writeFile(file, '{"items": ["a", "b", "c", "d"');
    expect(await readAll(reader)).toEqual({ lines: [], restarted: false, fresh: false });
    await writeFile(file, JSON.stringify({ items: ['a', 'b', 'c', 'd'] }));
    expect(await readAll(reader)).toEqual({ lines: ['a', 'b', 'c', 'd'], restarted: true, fresh: true });
  });

  it('skips and counts a document over its size limit', async () => {
    const file = path.join(await tempDir('czar-document-'), 'session.json');
    await writeFile(file, JSON.stringify({ items: ['x'.repeat(100)] }));
    const result = await new DocumentReader(file, toLines, 50).read(() => {
      throw new Error('no line expected');
    });
    expect(result.oversized).toBe(1);
  });
});
