import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git-repo.js';

/**
 * A `git` first on PATH that writes each call, with the command line of the process that made it, to `log`, then
 * runs the real git.
 */
async function loggingGit(dir: string, log: string): Promise<string> {
  const realGit = (await execa('which', ['git'])).stdout.trim();
  const bin = path.join(dir, 'logging-bin');
  await mkdir(bin, { recursive: true });
  const script = path.join(bin, 'git');
  await writeFile(
    script,
    `#!/bin/sh\nprintf '%s|%s\\n' "$(tr '\\0' ' ' < /proc/$PPID/cmdline)" "$*" >> '${log}'\nexec '${realGit}' "$@"\n`,
  );
  await chmod(script, 0o755);
  return bin;
}

describe('what a launch reads', () => {
  test('a launch that nothing got in the way of lists worktrees and branches once, not again under its lock', async () => {
    const { root } = await tempRepo();
    const log = path.join(root, 'git-calls.log');
    const bin = await loggingGit(root, log);
    await writeFleetConfig(
      root,
      uniqueProject(),
      'repo: repo\nagent: sim\npolicy: { bonus: off }\nworkers:\n  - name: one\n    task: "Work.\\n@sim work 600 long"\n  - name: two\n    task: "Work.\\n@sim work 600 long"\n',
    );
    const up = await czar(['up', '--detach'], { cwd: root, env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
    expect(up.exitCode, up.stderr).toBe(0);
    const byUp = (await readFile(log, 'utf8'))
      .split('\n')
      .filter((line) => / up --detach /.test(`${line.split('|')[0] ?? ''} `))
      .map((line) => line.slice(line.indexOf('|') + 1));
    console.log(byUp.join('\n'));
    expect(
      byUp.filter((call) => call.includes('worktree list')),
      byUp.join('\n'),
    ).toHaveLength(1);
    expect(
      byUp.filter((call) => call.includes('for-each-ref refs/heads --format')),
      byUp.join('\n'),
    ).toHaveLength(1);
    expect(byUp.filter((call) => call.includes('worktree add'))).toHaveLength(2);
  });
});
