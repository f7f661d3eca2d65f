import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git-repo.js';

/**
 * A folder to put first on PATH with a `git` and a `tmux` that write each call, with the command line of the process
 * that made it, to `log`, then run the real program.
 */
async function loggingBin(dir: string, log: string): Promise<string> {
  const bin = path.join(dir, 'logging-bin');
  await mkdir(bin, { recursive: true });
  for (const program of ['git', 'tmux']) {
    const real = (await execa('which', [program])).stdout.trim();
    const script = path.join(bin, program);
    await writeFile(
      script,
      `#!/bin/sh\nprintf '%s|%s %s\\n' "$(tr '\\0' ' ' < /proc/$PPID/cmdline)" ${program} "$*" >> '${log}'\nexec '${real}' "$@"\n`,
    );
    await chmod(script, 0o755);
  }
  return bin;
}

describe('what a launch reads', () => {
  test('a launch that nothing got in the way of lists worktrees, branches and sessions once, not again under its lock', async () => {
    const { root } = await tempRepo();
    const log = path.join(root, 'calls.log');
    const bin = await loggingBin(root, log);
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
    expect(byUp.filter((call) => call.startsWith('git ') && call.includes('worktree add'))).toHaveLength(2);
    // The sessions came with the panes it listed first; the uncommitted files and the base's upstream were read once.
    expect(
      byUp.filter((call) => call.startsWith('tmux ') && call.includes('list-sessions')),
      byUp.join('\n'),
    ).toHaveLength(0);
    expect(byUp.filter((call) => call.includes('status --porcelain'))).toHaveLength(1);
    expect(byUp.filter((call) => call.includes('rev-list --count'))).toHaveLength(1);
  });
});
