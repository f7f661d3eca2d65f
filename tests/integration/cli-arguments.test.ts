import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempDir, tempRepo } from '../helpers/git-repo.js';

describe('bad arguments are refused with one sentence and exit 2', () => {
  test.each([
    [['log', '-n', 'abc'], '-n "abc" is not a whole number; give a whole number from 1 to 9007199254740991'],
    [['log', '-n', '0'], '-n 0 is out of range; give a whole number from 1 to 9007199254740991'],
    [['log', '-n=-2'], '-n "=-2" is not a whole number; give a whole number from 1 to 9007199254740991'],
    [['log', '-n', '-3'], '-n -3 is out of range; give a whole number from 1 to 9007199254740991, e.g. -n 20'],
    [['budget', 'a', '--usd', '-1'], '--usd -1 is out of range; give a dollar amount above 0 and up to 1000000'],
    [['web', '--port', '-1'], '--port -1 is out of range; give a port number from 0 to 65535'],
    [['spawn', 'c', '--task', 'one', '--task', 'two'], '--task is given more than once; give it once'],
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

describe('czar help <command>', () => {
  test("prints that command's usage, and says an unknown one is not a command", async () => {
    const cwd = await tempDir();
    const known = await czar(['help', 'log'], { cwd });
    expect(known.stdout).toMatch(/^usage: czar log /);
    expect(known.exitCode).toBe(0);
    const unknown = await czar(['help', 'nosuch'], { cwd });
    expect(unknown.stderr).toBe('czar: "nosuch" is not a czar command. Run "czar help" for the list.');
    expect(unknown.stdout).toBe('');
    expect(unknown.exitCode).toBe(2);
  });
});

describe('arguments after --', () => {
  test('are the command\'s words: "--help" there is text, not a call for the usage', async () => {
    const cwd = await tempDir();
    const result = await czar(['comment', 'w', '--', '--help'], { cwd });
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^czar: No czar\.yaml /);
    expect(result.exitCode).toBe(2);
  });
});

describe('a file given with an option', () => {
  test('is named with the option that gave it', async () => {
    const cwd = await tempDir();
    const result = await czar(['spawn', 'child', '--task-file', '/dev/zero'], { cwd });
    expect(result.stderr).toMatch(/^czar: --task-file \/dev\/zero /);
    expect(result.exitCode).toBe(2);
  });
});

const FLEET = 'repo: repo\nagent: sim\nworkers:\n  - name: one\n    task: "Work."\n';

describe('with a config but no fleet running', () => {
  test.each([[['log']], [['peers']], [['peers', 'one']]])(
    'czar %j says so and how to start one, exit 1',
    async (args) => {
      const { root } = await tempRepo();
      const file = await writeFleetConfig(root, uniqueProject(), FLEET);
      const result = await czar(args, { cwd: root });
      expect(result.stderr).toBe(`czar: No fleet is running for ${file}; start one with "czar up".`);
      expect(result.stdout).toBe('');
      expect(result.exitCode).toBe(1);
    },
  );

  test('a comment on a line past any file is refused before it is sent, naming the line and the range', async () => {
    const { root } = await tempRepo();
    await writeFleetConfig(root, uniqueProject(), FLEET);
    const result = await czar(['comment', 'one', 'src/a.ts:99999999999999999999', 'text'], { cwd: root });
    expect(result.stderr).toBe(
      'czar: The comment for one names src/a.ts:99999999999999999999, a line out of range; give a line number from 1 to 10000000.',
    );
    expect(result.exitCode).toBe(2);
  });
});
