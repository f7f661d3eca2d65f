import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findBoxEngine } from '../../src/adapters/box-engine.js';

/**
 * A `bwrap` of the test's that runs `script` (sh, with `$DIR` its folder) for its trial and answers `--version`;
 * czar takes it for the engine until the test ends. Returns its folder.
 */
async function fakeBwrap(script: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'czar-engine-'));
  const file = path.join(dir, 'bwrap');
  await writeFile(file, `#!/bin/sh\nDIR='${dir}'\n[ "$1" = --version ] && exit 0\n${script}\n`);
  await chmod(file, 0o755);
  process.env.CZAR_BWRAP = file;
  onTestFinished(async () => {
    delete process.env.CZAR_BWRAP;
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

const reasonOf = (engine: Awaited<ReturnType<typeof findBoxEngine>>): string =>
  engine.kind === 'none' ? engine.reason : engine.kind;

describe.skipIf(!existsSync('/usr/bin/bwrap'))('the sandbox engine probe', () => {
  it('keeps no verdict from a trial that never finished, and tries again at the next ask', async () => {
    // Its first trial dies by a signal, as one killed at its timeout on a loaded machine; later ones are bwrap's own.
    const dir = await fakeBwrap(`[ -e "$DIR/calm" ] || { touch "$DIR/calm"; kill -9 $$; }\nexec /usr/bin/bwrap "$@"`);
    expect(reasonOf(await findBoxEngine())).toContain('its trial did not finish');
    expect(existsSync(path.join(dir, 'calm')), 'the trial ran').toBe(true);
    expect(reasonOf(await findBoxEngine()), 'the engine at the next ask').toBe('bwrap');
  });

  it('keeps a verdict the trial gave: a bwrap that ran and refused is no engine for the process', async () => {
    const dir = await fakeBwrap(
      `echo x >> "$DIR/trials"\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1`,
    );
    expect(reasonOf(await findBoxEngine())).toContain('No permissions to create new namespace');
    await findBoxEngine();
    expect((await readFile(path.join(dir, 'trials'), 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
  });
});
