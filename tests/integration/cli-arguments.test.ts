import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { czar } from '../helpers/cli.js';
import { tempDir } from '../helpers/git-repo.js';

describe('bad arguments are refused with one sentence and exit 2', () => {
  test.each([
    [['log', '-n', 'abc'], '-n "abc" is not a whole number of 1 or more'],
    [['log', '-n', '0'], '-n "0" is not a whole number of 1 or more'],
    [['log', '-n=-2'], '-n "=-2" is not a whole number of 1 or more'],
    [['pause', 'a', 'b'], '"b" is one argument too many for "czar pause"'],
    [['resume', 'a', 'b'], '"b" is one argument too many for "czar resume"'],
    [['restart', 'a', 'b'], '"b" is one argument too many for "czar restart"'],
    [['log', 'a', 'b'], '"b" is one argument too many for "czar log"'],
    [['status', 'extra'], '"extra" is one argument too many for "czar status"'],
    [['report', '--state', 'done', 'all', 'good'], '"all" is one argument too many for "czar report"'],
    [['status', '--jsno'], '"--jsno" is not an option of "czar status" (did you mean "--json"?)'],
    [
      ['init', '--project', 'Bad Name'],
      '--project "Bad Name" is not a valid project name; use lowercase letters, digits, "-" or "_", starting with a letter or digit',
    ],
    [
      ['init', '--project', 'p'.repeat(65)],
      '--project "ppppp' +
        'p'.repeat(60) +
        '" is 65 characters long; the tmux server, files and branches are named after it, so keep it to 64 or fewer',
    ],
  ])('czar %j', async (args, sentence) => {
    const cwd = await tempDir();
    // Only `report` is a worker's command: a person's command would refuse the worker environment first.
    const result = await czar(args, {
      cwd,
      env: args[0] === 'report' ? { CZAR_WORKER: 'w', CZAR_STATE_DIR: cwd } : {},
    });
    expect(result.stderr).toMatch(
      new RegExp(`^czar: ${sentence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\n]*; usage: czar [^\\n]*\\.$`),
    );
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(path.join(cwd, 'czar.yaml'))).toBe(false);
  });
});

describe('an unknown command', () => {
  test('is one sentence, then the next step as its own sentence', async () => {
    const cwd = await tempDir();
    for (const [name, hint] of [
      ['frobnicate', ''],
      ['stauts', '; did you mean "status"?'],
    ] as const) {
      const result = await czar([name], { cwd });
      expect(result.stderr).toBe(`czar: "${name}" is not a czar command${hint}. Run "czar help" for the list.`);
      expect(result.exitCode).toBe(2);
    }
  });
});
