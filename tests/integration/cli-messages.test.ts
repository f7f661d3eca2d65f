import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempDir, tempRepo } from '../helpers/git-repo.js';

describe('one clear sentence instead of an internal error or a misleading one', () => {
  test('czar attach without a terminal', async () => {
    const { root } = await tempRepo();
    await writeFleetConfig(
      root,
      uniqueProject(),
      'repo: repo\nagent: sim\nworkers:\n  - { name: gateway, task: Build it. }\n',
    );
    const result = await czar(['attach', 'gateway'], { cwd: root });
    expect(result.stderr).toBe(
      'czar: "czar attach gateway" needs a terminal, and its input is not one; run it from an interactive shell, or follow the worker with "czar log gateway" and "czar status".',
    );
    expect(result.exitCode).toBe(2);
  });

  test('a YAML alias bomb in czar.yaml is a config error (exit 2), not an internal one', async () => {
    const { root } = await tempRepo();
    const rows = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...['b', 'c', 'd', 'e', 'f'].map(
        (name, index) =>
          `${name}: &${name} [${Array(9)
            .fill(`*${'abcde'[index] ?? ''}`)
            .join(', ')}]`,
      ),
    ];
    await writeFleetConfig(
      root,
      uniqueProject(),
      `repo: repo\nworkers:\n  - { name: gateway, task: Build it. }\n${rows.join('\n')}\n`,
    );
    const result = await czar(['up', '--dry-run'], { cwd: root });
    expect(result.stderr).toMatch(/^czar: czar\.yaml:1:1: the YAML expands its aliases \(\*name\) too many times/);
    expect(result.exitCode).toBe(2);
  });

  test('czar init, with and without --force, when czar.yaml is a folder', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'czar.yaml'));
    for (const args of [['init'], ['init', '--force']]) {
      const result = await czar(args, { cwd: dir });
      expect(result.stderr).toBe(
        `czar: ${path.join(dir, 'czar.yaml')} is a folder, so czar init cannot write its config there; move the folder away, then run "czar init" again.`,
      );
      expect(result.exitCode).toBe(1);
    }
  });
});

describe('czar demo --dir', () => {
  test('refuses a file and a folder that holds anything, so the demo can overwrite nothing', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'notes.txt');
    await writeFile(file, 'mine\n');
    const onFile = await czar(['demo', '--dir', file], { cwd: dir });
    expect(onFile.stderr).toBe(`czar: --dir ${file} is not a folder; give a new or empty folder for the demo.`);
    expect(onFile.exitCode).toBe(2);

    await writeFile(path.join(dir, 'czar.yaml'), 'project: mine\n');
    const onFull = await czar(['demo', '--dir', dir], { cwd: dir });
    expect(onFull.stderr).toBe(
      `czar: --dir ${dir} is not empty; give a new or empty folder, so the demo cannot overwrite anything there.`,
    );
    expect(onFull.exitCode).toBe(2);
    expect(await readFile(path.join(dir, 'czar.yaml'), 'utf8')).toBe('project: mine\n');
  });
});
