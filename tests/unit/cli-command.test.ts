import { describe, expect, it } from 'vitest';
import { CONFIG_OPTION, parse, wholeNumberOption } from '../../src/cli/command.js';
import { isCzarError } from '../../src/domain/errors.js';

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
});

describe('wholeNumberOption', () => {
  it('refuses text, zero, negatives and fractions, naming the value', () => {
    for (const value of ['abc', '0', '=-2', '-2', '1.5', '', '1e3']) {
      expect(usageMessage(() => wholeNumberOption(log, '-n', value))).toBe(
        `-n ${JSON.stringify(value)} is not a whole number of 1 or more; give e.g. -n 20; usage: czar log [worker] [-c czar.yaml] [--json] [-n N].`,
      );
    }
  });

  it('reads a whole number, and nothing when the option was not given', () => {
    expect(wholeNumberOption(log, '-n', '20')).toBe(20);
    expect(wholeNumberOption(log, '-n', undefined)).toBeUndefined();
  });
});
