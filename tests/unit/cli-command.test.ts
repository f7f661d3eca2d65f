import { describe, expect, it } from 'vitest';
import { CONFIG_OPTION, parse, wholeNumberOption } from '../../src/cli/command.js';
import { isCzarError } from '../../src/domain/model/errors.js';

const pause = { name: 'pause', usage: 'czar pause [worker] [-c czar.yaml]' };
const log = { name: 'log', usage: 'czar log [worker] [-c czar.yaml] [--json] [-n N]' };
const logOptions = { ...CONFIG_OPTION, json: { type: 'boolean' }, lines: { type: 'string', short: 'n' } } as const;

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isCzarError(error)) {
      expect(error.exitCode).toBe(2);
      return error.message;
    }
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('parse', () => {
  it('refuses an argument beyond those the command takes, naming it', () => {
    expect(usageMessage(() => parse(pause, ['a', 'b'], CONFIG_OPTION, 1))).toBe(
      '"b" is one argument too many for "czar pause"; usage: czar pause [worker] [-c czar.yaml].',
    );
    expect(usageMessage(() => parse({ name: 'status', usage: 'czar status' }, ['extra'], CONFIG_OPTION, 0))).toBe(
      '"extra" is one argument too many for "czar status"; usage: czar status.',
    );
  });

  it('takes as many arguments as allowed', () => {
    expect(parse(pause, ['a'], CONFIG_OPTION, 1).positionals).toEqual(['a']);
    expect(parse({ name: 'send', usage: 'czar send' }, ['w', 'hello', 'there'], CONFIG_OPTION).positionals).toEqual([
      'w',
      'hello',
      'there',
    ]);
  });

  it('names an unknown option in one sentence, with the closest real one', () => {
    expect(usageMessage(() => parse(log, ['--jsn'], logOptions, 1))).toBe(
      '"--jsn" is not an option of "czar log" (did you mean "--json"?); usage: czar log [worker] [-c czar.yaml] [--json] [-n N].',
    );
    expect(usageMessage(() => parse(log, ['--bogus'], logOptions, 1))).toBe(
      '"--bogus" is not an option of "czar log"; usage: czar log [worker] [-c czar.yaml] [--json] [-n N].',
    );
  });

  it('says which option lacks a value and which takes none', () => {
    expect(usageMessage(() => parse(log, ['-n'], logOptions, 1))).toMatch(
      /^-n, --lines needs a value; usage: czar log/,
    );
    expect(usageMessage(() => parse(log, ['--json=1'], logOptions, 1))).toMatch(
      /^--json takes no value; usage: czar log/,
    );
  });

  it('takes a negative number after an option as its value, so the command can say it is out of range', () => {
    expect(parse(log, ['-n', '-3'], logOptions, 1).values.lines).toBe('-3');
    expect(parse(log, ['--lines', '-0.5', 'a'], logOptions, 1)).toEqual({
      values: { lines: '-0.5' },
      positionals: ['a'],
    });
    // A negative number where no option takes it is still an unknown option.
    expect(usageMessage(() => parse(log, ['--json', '-3'], logOptions, 1))).toMatch(
      /^"-3" is not an option of "czar log"/,
    );
  });

  it('reads every word after -- as an argument, never as an option', () => {
    const comment = { name: 'comment', usage: 'czar comment <worker> <text...>' };
    expect(parse(comment, ['w', '--', '--help', '-n', '-3'], logOptions).positionals).toEqual([
      'w',
      '--help',
      '-n',
      '-3',
    ]);
  });

  it('refuses an option that takes one value given twice, naming it', () => {
    const spawn = { name: 'spawn', usage: 'czar spawn <name> --task TEXT' };
    const options = { task: { type: 'string' }, scope: { type: 'string', multiple: true } } as const;
    expect(usageMessage(() => parse(spawn, ['c', '--task', 'one', '--task', 'two'], options, 1))).toBe(
      '--task is given more than once; give it once; usage: czar spawn <name> --task TEXT.',
    );
    expect(usageMessage(() => parse(log, ['-n', '2', '--lines=3'], logOptions, 1))).toMatch(
      /^--lines is given more than once/,
    );
    expect(parse(spawn, ['c', '--scope', 'a', '--scope', 'b'], options, 1).values.scope).toEqual(['a', 'b']);
  });
});

describe('wholeNumberOption', () => {
  it('refuses what is not a whole number, naming the value and the range', () => {
    for (const value of ['abc', '=-2', '1.5', '', '1e3']) {
      expect(usageMessage(() => wholeNumberOption(log, '-n', value))).toBe(
        `-n ${JSON.stringify(value)} is not a whole number; give a whole number from 1 to 9007199254740991, e.g. -n 20; usage: czar log [worker] [-c czar.yaml] [--json] [-n N].`,
      );
    }
  });

  it('says a whole number below 1 or past the safe range is out of range, naming flag, value and range', () => {
    for (const value of ['0', '-2', '99999999999999999999']) {
      expect(usageMessage(() => wholeNumberOption(log, '-n', value))).toBe(
        `-n ${value} is out of range; give a whole number from 1 to 9007199254740991, e.g. -n 20; usage: czar log [worker] [-c czar.yaml] [--json] [-n N].`,
      );
    }
  });

  it('reads a whole number, and nothing when the option was not given', () => {
    expect(wholeNumberOption(log, '-n', '20')).toBe(20);
    expect(wholeNumberOption(log, '-n', undefined)).toBeUndefined();
  });
});
