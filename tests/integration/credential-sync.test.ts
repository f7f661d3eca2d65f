import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialSync } from '../../src/adapters/credential-sync.js';
import { tempDir } from '../helpers/git-repo.js';

// Two boxed workers' copies of one sign-in file and the person's home, in real folders: a token one worker's agent
// refreshed reaches the home and then the other worker's copy, and the copy is never trusted as a path.
const FILE = '.claude/.credentials.json';

async function setUp(): Promise<{ home: string; a: string; b: string; lock: string }> {
  const root = await tempDir('czar-credentials-');
  const [home, a, b] = ['home', 'a', 'b'].map((name) => path.join(root, name));
  for (const dir of [home, a, b]) await mkdir(path.join(dir ?? '', '.claude'), { recursive: true });
  for (const dir of [home, a, b]) await writeFile(path.join(dir ?? '', FILE), '{"token":"one"}');
  return { home: home ?? '', a: a ?? '', b: b ?? '', lock: path.join(root, 'credentials.lock') };
}

const token = async (dir: string): Promise<string> => readFile(path.join(dir, FILE), 'utf8');

describe('sign-in files of boxed workers', () => {
  it("takes a refreshed token home and into a sibling's copy; the person's home wins at a start", async () => {
    const { home, a, b, lock } = await setUp();
    const syncA = new CredentialSync({ home, copy: a, files: [FILE], lock });
    const syncB = new CredentialSync({ home, copy: b, files: [FILE], lock });
    await Promise.all([syncA.sync(), syncB.sync()]);
    await writeFile(path.join(a, FILE), '{"token":"two"}');
    await Promise.all([syncA.sync(), syncB.sync()]);
    await syncB.sync();
    expect([await token(home), await token(b)]).toEqual(['{"token":"two"}', '{"token":"two"}']);
    // A later start with a stale copy: the home's newer sign-in goes into the copy, never the other way.
    await writeFile(path.join(a, FILE), '{"token":"stale"}');
    await new CredentialSync({ home, copy: a, files: [FILE], lock }).sync();
    expect([await token(home), await token(a)]).toEqual(['{"token":"two"}', '{"token":"two"}']);
  });

  it('leaves alone a copy that is not JSON or sits behind a link, and never writes through one', async () => {
    const { home, a, lock } = await setUp();
    const sync = new CredentialSync({ home, copy: a, files: [FILE], lock });
    await sync.sync();
    await writeFile(path.join(a, FILE), 'not json');
    await sync.sync();
    expect(await token(home)).toBe('{"token":"one"}');
    // The worker points its copy's folder outside: a newer home token is not written there.
    const outside = await tempDir('czar-outside-');
    await writeFile(path.join(outside, '.credentials.json'), '{"token":"outside"}');
    await rm(path.join(a, '.claude'), { recursive: true });
    await symlink(outside, path.join(a, '.claude'));
    await writeFile(path.join(home, FILE), '{"token":"three"}');
    await sync.sync();
    expect(await readFile(path.join(outside, '.credentials.json'), 'utf8')).toBe('{"token":"outside"}');
    expect(await token(home)).toBe('{"token":"three"}');
  });
});
