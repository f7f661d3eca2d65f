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
    [['init', '--project', 'Bad Name'], '--project "Bad Name" is not a valid project name; use lowercase letters, digits, "-" or "_", starting with a letter or digit'],
  ])('czar %j', async (args, sentence) => {
    const cwd = await tempDir();
    // Only `report` is a worker's command: a person's command would refuse the worker environment first.
    const result = await czar(args, { cwd, env: args[0] === 'report' ? { CZAR_WORKER: 'w', CZAR_STATE_DIR: cwd } : {} });
    expect(result.stderr).toMatch(new RegExp(`^czar: ${sentence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\n]*; usage: czar [^\\n]*\\.$`));
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(path.join(cwd, 'czar.yaml'))).toBe(false);
  });
});
