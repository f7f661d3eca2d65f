import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findBoxEngine } from '../../src/adapters/box-engine.js';

describe.skipIf(!existsSync('/usr/bin/bwrap'))('the sandbox engine probe', () => {
  it('keeps no verdict from a trial that never finished, and tries again at the next ask', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'czar-engine-'));
    const flaky = path.join(dir, 'bwrap');
    const calm = path.join(dir, 'calm');
    // Its first trial dies by a signal, as one killed at its timeout on a loaded machine; later ones are bwrap's own.
    await writeFile(
      flaky,
      `#!/bin/sh\nif [ "$1" != --version ] && [ ! -e '${calm}' ]; then touch '${calm}'; kill -9 $$; fi\nexec /usr/bin/bwrap "$@"\n`,
    );
    await chmod(flaky, 0o755);
    process.env.CZAR_BWRAP = flaky;
    onTestFinished(async () => {
      delete process.env.CZAR_BWRAP;
      await rm(dir, { recursive: true, force: true });
    });

    const first = await findBoxEngine();
    expect(first.kind === 'none' ? first.reason : first.kind).toContain('cannot make a box here');
    expect(existsSync(calm), 'the trial ran').toBe(true);
    expect((await findBoxEngine()).kind, 'the engine at the next ask').toBe('bwrap');
  });

  it('keeps a verdict the trial gave: a bwrap that ran and refused is no engine for the process', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'czar-engine-'));
    const refusing = path.join(dir, 'bwrap');
    const count = path.join(dir, 'trials');
    await writeFile(
      refusing,
      `#!/bin/sh\n[ "$1" = --version ] && exit 0\necho x >> '${count}'\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n`,
    );
    await chmod(refusing, 0o755);
    process.env.CZAR_BWRAP = refusing;
    onTestFinished(async () => {
      delete process.env.CZAR_BWRAP;
      await rm(dir, { recursive: true, force: true });
    });

    const first = await findBoxEngine();
    expect(first.kind === 'none' ? first.reason : first.kind).toContain('No permissions to create new namespace');
    await findBoxEngine();
    expect((await readFile(count, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
  });
});
