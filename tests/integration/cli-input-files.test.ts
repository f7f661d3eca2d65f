import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { launchedStateDir, TEST_PROOF } from '../helpers/state-dir.js';
import { tempDir, tempRepo } from '../helpers/git-repo.js';

/** Each bad file with why it is bad makes `run(file)` exit 2 with exactly `message(file, why)` on stderr. */
async function expectRefused(
  refusals: readonly (readonly [file: string, why: string])[],
  run: (file: string) => ReturnType<typeof czar>,
  message: (file: string, why: string) => string,
): Promise<void> {
  for (const [file, why] of refusals) {
    const result = await run(file);
    expect(result.stderr).toBe(message(file, why));
    expect(result.exitCode).toBe(2);
  }
}

describe('czar report --result-file is checked as the czar checks it', () => {
  test('a result the czar would drop is refused with one sentence and a non-zero exit, and no report is written', async () => {
    const worktree = await tempDir();
    const state = await launchedStateDir(await tempDir(), 'api', worktree);
    const env = { CZAR_WORKER: 'api', CZAR_STATE_DIR: state, CZAR_WORKER_PROOF: TEST_PROOF };
    await writeFile(path.join(worktree, 'binary.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00]));
    await writeFile(path.join(worktree, 'big.md'), 'x'.repeat(256 * 1024 + 1));
    await mkdir(path.join(worktree, 'folder'));
    await expectRefused(
      [
        ['binary.md', 'is not UTF-8 text (NUL bytes or invalid UTF-8)'],
        ['big.md', 'is larger than 256 KB'],
        ['folder', 'is a folder, not a file'],
        ['missing.md', 'does not exist'],
      ],
      (file) => czar(['report', '--state', 'done', '--result-file', file], { cwd: worktree, env }),
      (file, why) =>
        `czar: --result-file ${path.join(worktree, file)} ${why}; the czar would drop it, so fix the file and report again.`,
    );
    await expect(readFile(path.join(state, 'reports', 'api.json'), 'utf8')).rejects.toThrow(/ENOENT/);

    await writeFile(path.join(worktree, 'result.md'), '# Done\nAll good.\n');
    const ok = await czar(['report', '--state', 'done', '--result-file', 'result.md'], { cwd: worktree, env });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(JSON.parse(await readFile(path.join(state, 'reports', 'api.json'), 'utf8'))).toMatchObject({
      state: 'done',
      resultFile: path.join(worktree, 'result.md'),
    });
  });
});

describe('czar send --file takes only a text file czar would paste', () => {
  test('binary, empty, a folder and over the size limit are refused before the czar is asked', async () => {
    const { root } = await tempRepo();
    await writeFleetConfig(
      root,
      uniqueProject(),
      'repo: repo\nagent: sim\nworkers:\n  - name: api\n    task: Build it.\n',
    );
    await writeFile(path.join(root, 'binary.txt'), Buffer.from([0xff, 0xfe, 0x00]));
    await writeFile(path.join(root, 'blank.txt'), ' \n');
    await writeFile(path.join(root, 'big.txt'), 'x'.repeat(1024 * 1024 + 1));
    await mkdir(path.join(root, 'folder'));
    await expectRefused(
      [
        ['binary.txt', 'is not UTF-8 text (NUL bytes or invalid UTF-8); save the message as UTF-8 text'],
        [
          'big.txt',
          'is larger than 1 MB, the most czar pastes at once; shorten it, or write the detail to a file the worker can read',
        ],
        ['folder', "is a folder, not a file; name the message's file"],
        ['missing.txt', 'does not exist; check the path'],
      ],
      (file) => czar(['send', 'api', '--file', file], { cwd: root }),
      (file, why) => `czar: --file ${file} ${why}.`,
    );
    const blank = await czar(['send', 'api', '--file', 'blank.txt'], { cwd: root });
    expect(blank.stderr).toMatch(/^czar: the message is empty; usage: /);
    expect(blank.exitCode).toBe(2);
  });
});
