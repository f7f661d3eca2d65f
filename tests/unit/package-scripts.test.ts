import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
  files: string[];
};

describe('package.json scripts on a fresh clone', () => {
  it('run only files the repository has (the README\'s "npm run demo" once named a bin/czar.js that does not exist)', () => {
    for (const [name, script] of Object.entries(pkg.scripts)) {
      for (const command of script.split('&&').map((part) => part.trim().split(/\s+/))) {
        if (command[0] !== 'node') continue;
        // The script file: the first word with a folder in it (flags such as `--import tsx` come before it).
        const file = command.slice(1).find((word) => word.includes('/')) ?? '';
        // dist/ is built by the script's own "npm run build"; everything else must be in the repository.
        if (!file.startsWith('dist/')) expect(existsSync(`${root}${file}`), `script "${name}" runs ${file}`).toBe(true);
      }
    }
  });

  it('installing the package runs no script: the packed tarball holds the build, made by prepack', () => {
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
      expect(pkg.scripts[hook], hook).toBeUndefined();
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.files).toContain('dist');
  });

  it('the bin entries exist', () => {
    for (const file of Object.values(pkg.bin)) expect(existsSync(`${root}${file}`), file).toBe(true);
  });
});
